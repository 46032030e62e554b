using System.Net;
using System.Text.Json;
using Board.Tests.Otlp;

namespace Board.Tests.EndToEnd;

/// <summary>Smoke test of the end-to-end fixture: the built Board.Web starts, answers and stops cleanly.</summary>
public sealed class BoardWebProcessTests(OtlpReceiver receiver) : IClassFixture<OtlpReceiver>
{
    [Fact]
    public async Task Board_web_starts_answers_health_and_stops_gracefully()
    {
        var options = new BoardWebProcessOptions();
        options.EnvironmentVariables["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.GrpcEndpoint.GetLeftPart(UriPartial.Authority);
        options.EnvironmentVariables["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc";
        options.EnvironmentVariables["OTEL_RESOURCE_ATTRIBUTES"] = "deployment.environment.name=e2e";

        await using var app = await BoardWebProcess.StartHealthyAsync(options);

        using (var client = app.CreateClient(allowAutoRedirect: false))
        {
            using var response = await client.GetAsync("/health");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var exitCode = await app.StopAsync(graceful: true);

        Assert.True(app.HasExited);
        Assert.False(app.WasKilled, $"Board.Web did not stop on SIGTERM in time.{Environment.NewLine}{app.OutputTail()}");
        Assert.True(exitCode == 0, $"Board.Web exited with code {exitCode}.{Environment.NewLine}{app.OutputTail()}");
        // Production writes nothing but JSON lines to stdout, one object each, and nothing to stderr.
        Assert.NotEmpty(app.StandardOutput);
        Assert.All(app.StandardOutput, line =>
        {
            using var json = JsonDocument.Parse(line);
            Assert.Equal(JsonValueKind.Object, json.RootElement.ValueKind);
        });
        Assert.Empty(app.StandardError);
    }

    [Theory]
    [InlineData("LOGS", "/v1/logs")]
    [InlineData("TRACES", "/v1/traces")]
    public async Task A_signal_of_its_own_endpoint_is_exported_there(string signal, string path)
    {
        // Only the signal's own variable, as a full URL (the specification's form); the shared one is unset, so
        // the SDK's default of localhost:4317/4318 would receive nothing here.
        var options = new BoardWebProcessOptions();
        options.EnvironmentVariables[$"OTEL_EXPORTER_OTLP_{signal}_ENDPOINT"] = new Uri(receiver.HttpEndpoint, path).ToString();
        options.EnvironmentVariables["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        receiver.Clear();

        await using (var app = await BoardWebProcess.StartHealthyAsync(options))
        {
            using var client = app.CreateClient(allowAutoRedirect: false);
            using var response = await client.GetAsync("/b/welcome");
            await app.StopAsync(graceful: true);
        }

        var kind = signal == "LOGS" ? OtlpSignal.Logs : OtlpSignal.Traces;
        Assert.True(receiver.AcceptedRequestCount(kind) > 0, $"nothing arrived on {path}");
    }

    [Fact]
    public async Task A_failing_start_reports_the_captured_output()
    {
        var options = new BoardWebProcessOptions { StartupTimeout = TimeSpan.FromSeconds(20) };
        options.Arguments.Add("--urls");
        options.Arguments.Add("not-a-url");

        var error = await Assert.ThrowsAnyAsync<Exception>(() => BoardWebProcess.StartHealthyAsync(options));

        Assert.Contains("Board.Web exited with code", error.Message, StringComparison.Ordinal);
        Assert.Contains("err| ", error.Message, StringComparison.Ordinal);
    }
}
