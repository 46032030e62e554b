using Board.OtlpSink;

// A counting OTLP/HTTP (protobuf) receiver for bench/load.sh, on 127.0.0.1 only:
//   dotnet bench/Board.OtlpSink/bin/Release/net10.0/Board.OtlpSink.dll --urls http://127.0.0.1:4318
// POST /v1/logs     counts log records (and those whose event_name is RequestStarted / RequestCompleted)
// POST /v1/traces, /v1/metrics   accepted and ignored
// GET  /count       "<records> <started> <completed> <requests>"
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
var counts = new LogCounts();

app.MapPost("/v1/logs", async (HttpContext context) =>
{
    using var body = new MemoryStream();
    await context.Request.Body.CopyToAsync(body);
    counts.Add(body.GetBuffer().AsSpan(0, (int)body.Length));
    context.Response.ContentType = "application/x-protobuf";
});
app.MapPost("/v1/traces", (HttpContext context) => context.Response.ContentType = "application/x-protobuf");
app.MapPost("/v1/metrics", (HttpContext context) => context.Response.ContentType = "application/x-protobuf");
app.MapGet("/count", () => counts.ToString());

app.Run();
