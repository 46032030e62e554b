using System.Buffers;
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
const long MaxBody = 64 * 1024 * 1024;

app.MapPost("/v1/logs", async (HttpContext context) =>
{
    // The exporter sends Content-Length; the body is read into one pooled buffer of that size.
    if (context.Request.ContentLength is not { } length)
    {
        context.Response.StatusCode = StatusCodes.Status411LengthRequired;
        return;
    }

    if (length > MaxBody)
    {
        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        return;
    }

    var body = ArrayPool<byte>.Shared.Rent((int)length);
    try
    {
        await context.Request.Body.ReadExactlyAsync(body.AsMemory(0, (int)length));
        counts.Add(body.AsSpan(0, (int)length));
    }
    finally
    {
        ArrayPool<byte>.Shared.Return(body);
    }

    context.Response.ContentType = "application/x-protobuf";
});
app.MapPost("/v1/traces", (HttpContext context) => context.Response.ContentType = "application/x-protobuf");
app.MapPost("/v1/metrics", (HttpContext context) => context.Response.ContentType = "application/x-protobuf");
app.MapGet("/count", () => counts.ToString());

app.Run();
