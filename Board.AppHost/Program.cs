using Board.AppHost;

var builder = DistributedApplication.CreateBuilder(args);

builder.AddProject<Projects.Board_Web>("web")
    .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Development")
    // The dashboard keeps what it receives on disk and shows it to anyone with the login URL: no e-mail in clear.
    .WithEnvironment("StructuredLogging__Redaction__Mode", "Redact")
    .WithHttpHealthCheck("/health")
    // Through the collector container where one can run (Collector:Mode), else straight to the dashboard.
    .WithTelemetryPath("../otel-collector-config.yaml");

builder.Build().Run();
