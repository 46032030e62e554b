using Board.AppHost;

var builder = DistributedApplication.CreateBuilder(args);

// WithoutHttpsCertificate is experimental in Aspire 13.6 (ASPIRECERTIFICATES001), and the only switch for it.
#pragma warning disable ASPIRECERTIFICATES001
builder.AddProject<Projects.Board_Web>("web")
    .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Development")
    // The dashboard keeps what it receives on disk and shows it to anyone with the login URL: no e-mail in clear.
    .WithEnvironment("StructuredLogging__Redaction__Mode", "Redact")
    .WithHttpHealthCheck("/health")
    // web serves plain HTTP in every profile. Without this, Aspire counts the certificate it would give a project's
    // HTTPS endpoint as TLS in use, and the http profile warns that no trusted development certificate exists.
    .WithoutHttpsCertificate()
    // Through the collector container where one can run (Collector:Mode), else straight to the dashboard.
    .WithTelemetryPath("../otel-collector-config.yaml");
#pragma warning restore ASPIRECERTIFICATES001

builder.Build().Run();
