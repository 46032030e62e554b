using Board.AppHost;

var builder = DistributedApplication.CreateBuilder(args);

var collector = builder.AddOpenTelemetryCollector("otel-collector", "../otel-collector-config.yaml")
    .WithCloudWatchLogsWhenConfigured();

builder.AddProject<Projects.Board_Web>("web")
    .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Development")
    .WithHttpHealthCheck("/health")
    .WithOtlpExportTo(collector);

builder.Build().Run();
