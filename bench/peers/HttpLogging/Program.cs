using Microsoft.AspNetCore.HttpLogging;

// ASP.NET Core's HTTP logging middleware, one combined entry per request, through the framework's JSON console
// formatter (appsettings.json): the request line and headers, the status and the duration.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddHttpLogging(options =>
{
    options.LoggingFields = HttpLoggingFields.RequestPropertiesAndHeaders | HttpLoggingFields.ResponseStatusCode |
        HttpLoggingFields.Duration;
    options.CombineLogs = true;
});

var app = builder.Build();
app.UseHttpLogging();
app.MapGet("/hello", () => "Hello, world!");
app.Run();
