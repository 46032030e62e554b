// A web project as the Aspire templates lay it out, its service defaults in TemplateServiceDefaults.cs. Which of the
// three template stacks it is, is configuration alone (bench/peers/run.sh): the appsettings.json below as generated
// (the framework's request entries at Warning, so none), Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics=
// Information with the JSON console formatter (two per request), and OTEL_EXPORTER_OTLP_ENDPOINT for OTLP.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapGet("/hello", () => "Hello, world!");
app.Run();
