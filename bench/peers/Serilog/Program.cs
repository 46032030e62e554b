using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

// Serilog.AspNetCore's request logging as its README sets it up: the framework's own request entries turned down to
// Warning, one "HTTP GET /hello responded 200 in 0.1234 ms" event per request, compact JSON on the console.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSerilog(logger => logger
    .MinimumLevel.Information()
    .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
    .Enrich.FromLogContext()
    .WriteTo.Console(new CompactJsonFormatter()));

var app = builder.Build();
app.UseSerilogRequestLogging();
app.MapGet("/hello", () => "Hello, world!");
app.Run();
