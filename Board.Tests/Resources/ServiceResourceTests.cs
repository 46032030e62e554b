using Board.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace Board.Tests.Resources;

/// <summary>
/// OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES override the service's own description. The OpenTelemetry
/// environment detectors read them from the host's IConfiguration (which includes the environment variables), so
/// configuration keys stand in for the variables here without touching the process environment.
/// </summary>
public sealed class ServiceResourceTests
{
    [Fact]
    public void Standard_variables_override_the_defaults_on_the_resource_and_the_line()
    {
        using var harness = new LoggingHarness(new Dictionary<string, string?>
        {
            ["OTEL_SERVICE_NAME"] = "board-web",
            ["OTEL_RESOURCE_ATTRIBUTES"] = "service.instance.id=abc,deployment.environment.name=x",
        });
        harness.Logger.LogInformation("Named");

        var resource = harness.Services.GetRequiredService<LoggerProvider>().GetResource().Attributes.ToDictionary(a => a.Key, a => a.Value);
        Assert.Equal("board-web", resource["service.name"]);
        Assert.Equal("abc", resource["service.instance.id"]);
        Assert.Equal("x", resource["deployment.environment.name"]);

        var line = Assert.Single(harness.JsonLines());
        Assert.Equal("board-web", line.Text("service.name"));
        Assert.Equal(Environment.MachineName, line.Text("host.name"));
    }

    [Fact]
    public void Without_the_variables_the_host_environment_names_the_service()
    {
        using var harness = new LoggingHarness(environment: "Staging");
        harness.Logger.LogInformation("Default names");

        var line = Assert.Single(harness.JsonLines());
        Assert.Equal("Board.Tests.Harness", line.Text("service.name"));
        var resource = harness.Services.GetRequiredService<LoggerProvider>().GetResource().Attributes.ToDictionary(a => a.Key, a => a.Value);
        Assert.Equal("Staging", resource["deployment.environment.name"]);
        Assert.True(Guid.TryParse(resource["service.instance.id"] as string, out _));
    }
}

public sealed class HostResourceTests
{
    [Theory]
    [InlineData("/app/Board.Web", false, "Board.Web")]
    [InlineData("/usr/share/dotnet/dotnet", false, "dotnet")]
    [InlineData("/opt/tools/run.exe", false, "run.exe")]
    [InlineData(@"C:\app\Board.Web.exe", true, "Board.Web")]
    [InlineData(@"C:\Program Files\dotnet\dotnet.EXE", true, "dotnet")]
    [InlineData(null, false, "unknown")]
    public void The_executable_name_keeps_every_dot_but_Windows_exe(string? processPath, bool windows, string expected) =>
        Assert.Equal(expected, Board.ServiceDefaults.Resources.HostResourceDetector.ExecutableName(processPath, windows));
}
