// The baseline of bench/peers: the same minimal app as every other stack, with no logging provider at all.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.ClearProviders();

var app = builder.Build();
app.MapGet("/hello", () => "Hello, world!");
app.Run();
