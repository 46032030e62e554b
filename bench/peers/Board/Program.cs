// Board.ServiceDefaults as its README sets it up, on the same minimal app as the other stacks. Which of the Board
// stacks it is, is configuration alone (bench/peers/run.sh): the defaults (START and END as JSON lines on stdout),
// StructuredLogging__Requests__Enabled=false with StructuredLogging__Console__Format=None (request logging off), and
// an OTLP endpoint for OTLP logs.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapGet("/hello", () => "Hello, world!");

// Bytes allocated so far by every thread, read by bench/peers/alloc.sh before and after a window.
app.MapGet("/alloc", () => GC.GetTotalAllocatedBytes(precise: true).ToString(System.Globalization.CultureInfo.InvariantCulture));
app.Run();
