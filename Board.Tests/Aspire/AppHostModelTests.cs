extern alias AppHost;

using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Board.Tests.Collector;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using AppHost::Board.AppHost;

namespace Board.Tests.AspireHost;

/// <summary>
/// (b) The AppHost's model, read from what Aspire built and from the environment it resolves, not from the source:
/// the collector and web's wiring to it where the collector runs, the notice and web's direct export where it does
/// not, the CloudWatch switch, and the start-up errors. Builds the model without starting it, so no container
/// runtime is needed; a fake runtime stands in where the choice depends on one.
/// </summary>
public sealed class AppHostModelTests
{
    public const string CollectorName = TelemetryPathExtensions.CollectorName;

    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task The_collector_container_runs_the_repository_config_with_its_endpoints_and_health_check()
    {
        await using var host = await CreateAsync("--Collector:Mode=Container");
        var collector = Assert.IsType<ContainerResource>(Resource(host, CollectorName), exactMatch: false);

        var image = Assert.Single(collector.Annotations.OfType<ContainerImageAnnotation>());
        Assert.Equal(CollectorExtensions.Image, image.Image);
        Assert.Equal(CollectorExtensions.ImageTag, image.Tag);

        var mount = Assert.Single(collector.Annotations.OfType<ContainerMountAnnotation>());
        Assert.Equal(ContainerMountType.BindMount, mount.Type);
        Assert.Equal(Path.GetFullPath(RepoFiles.PathOf("otel-collector-config.yaml")), Path.GetFullPath(mount.Source!));
        Assert.Equal(CollectorExtensions.ConfigPathInContainer, mount.Target);
        Assert.True(mount.IsReadOnly);

        var args = await Arguments(host, collector);
        Assert.Equal([$"--config={CollectorExtensions.ConfigPathInContainer}"], args);

        var endpoints = collector.Annotations.OfType<EndpointAnnotation>().ToDictionary(e => e.Name, e => e.TargetPort);
        Assert.Equal(4317, endpoints[CollectorExtensions.GrpcEndpointName]);
        Assert.Equal(4318, endpoints[CollectorExtensions.HttpEndpointName]);
        Assert.Equal(13133, endpoints[CollectorExtensions.HealthEndpointName]);
        Assert.Single(collector.Annotations.OfType<HealthCheckAnnotation>());
    }

    [Fact]
    public async Task Web_exports_to_the_collectors_gRPC_endpoint_and_waits_for_it_to_be_healthy()
    {
        await using var host = await CreateAsync("--Collector:Mode=Container");
        var collector = Resource(host, CollectorName);
        var web = Resource(host, BoardAppHost.WebName);
        var grpc = AllocateEndpoints(host)[(CollectorName, CollectorExtensions.GrpcEndpointName)];

        var environment = await Environment(host, web);
        Assert.Equal($"http://localhost:{grpc}", environment["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("grpc", environment["OTEL_EXPORTER_OTLP_PROTOCOL"]);

        var wait = Assert.Single(web.Annotations.OfType<WaitAnnotation>());
        Assert.Same(collector, wait.Resource);
        Assert.Equal(WaitType.WaitUntilHealthy, wait.WaitType);
    }

    [Fact]
    public async Task Without_a_usable_runtime_Auto_starts_no_collector_says_why_and_web_exports_to_the_dashboard()
    {
        using var runtime = new FakeContainerRuntime(1, "Cannot connect to the fake daemon");
        await using var host = await CreateAsync(runtime.Argument, "--ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=http://localhost:19999");

        var notice = Assert.IsType<CollectorNoticeResource>(Resource(host, CollectorName));
        Assert.Contains("Cannot connect to the fake daemon", notice.Reason);
        Assert.Contains("install and start Docker Engine or Podman", notice.Reason);
        Assert.Empty(Model(host).Resources.OfType<ContainerResource>());

        var snapshot = Assert.Single(notice.Annotations.OfType<ResourceSnapshotAnnotation>()).InitialSnapshot;
        Assert.Equal("No container runtime", snapshot.State?.Text);
        Assert.Equal(KnownResourceStateStyles.Warn, snapshot.State?.Style);
        var reason = snapshot.Properties.Single(p => p.Name == CollectorNoticeResource.ReasonProperty);
        Assert.Equal(notice.Reason, reason.Value);
        Assert.True(reason.IsHighlighted, "the reason is not in the dashboard's default details view");

        var web = Resource(host, BoardAppHost.WebName);
        AllocateEndpoints(host);
        Assert.Equal("http://localhost:19999", (await Environment(host, web))["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Empty(web.Annotations.OfType<WaitAnnotation>());
    }

    [Fact]
    public async Task No_resource_asks_for_a_development_certificate_so_the_http_profile_shows_no_certificate_warning()
    {
        await using var host = await CreateAsync("--Collector:Mode=None");

        // Aspire warns at start, and the dashboard shows a banner, when no trusted development certificate exists and a
        // resource has an https endpoint or a certificate callback that WithoutHttpsCertificate() has not turned off
        // (DcpHost.ResourceUsesTls). Those annotations are experimental in Aspire 13.6.
#pragma warning disable ASPIRECERTIFICATES001
        foreach (var resource in Model(host).Resources)
        {
            Assert.DoesNotContain(resource.Annotations.OfType<EndpointAnnotation>(), e => e.UriScheme == "https");
            var turnedOff = resource.Annotations.OfType<HttpsCertificateAnnotation>().LastOrDefault() is { UseDeveloperCertificate: false or null, Certificate: null };
            Assert.True(!resource.Annotations.OfType<HttpsCertificateConfigurationCallbackAnnotation>().Any() || turnedOff,
                $"{resource.Name} would be given a development certificate");
        }
#pragma warning restore ASPIRECERTIFICATES001
    }

    [Fact]
    public async Task With_a_usable_runtime_Auto_starts_the_collector()
    {
        using var runtime = new FakeContainerRuntime(0, "");
        await using var host = await CreateAsync(runtime.Argument);
        Assert.IsType<ContainerResource>(Resource(host, CollectorName), exactMatch: false);
    }

    [Fact]
    public async Task A_forced_collector_without_a_usable_runtime_stops_the_start_with_the_reason()
    {
        using var runtime = new FakeContainerRuntime(1, "Cannot connect to the fake daemon");
        await using var host = await CreateAsync("--Collector:Mode=Container", runtime.Argument);
        using var timeout = new CancellationTokenSource(s_timeout);

        var error = Innermost(await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync(timeout.Token)));
        Assert.IsType<DistributedApplicationException>(error);
        Assert.Contains("Collector:Mode is Container (from the command line)", error.Message);
        Assert.Contains("Cannot connect to the fake daemon", error.Message);
        Assert.Contains("install and start Docker Engine or Podman", error.Message);
    }

    [Fact]
    public async Task The_CloudWatch_switch_gives_the_collector_its_exporters_region_stream_and_credentials()
    {
        await using var host = await CreateAsync(
            "--Collector:Mode=Container", "--Collector:CloudWatch:Enabled=true", "--Collector:CloudWatch:Region=eu-west-1",
            "--AWS_ACCESS_KEY_ID=AKIDEXAMPLE", "--AWS_SECRET_ACCESS_KEY=example-secret", "--AWS_SESSION_TOKEN=");
        AllocateEndpoints(host);
        var environment = await Environment(host, Resource(host, CollectorName));

        Assert.Equal("[otlp_grpc/aspire, awscloudwatchlogs]", environment[CollectorExtensions.LogExportersVariable]);
        Assert.Equal("/board/local/otel", environment[CollectorExtensions.LogGroupVariable]);
        Assert.Equal("eu-west-1", environment["AWS_REGION"]);
        Assert.Equal("AKIDEXAMPLE", environment["AWS_ACCESS_KEY_ID"]);
        Assert.Equal("example-secret", environment["AWS_SECRET_ACCESS_KEY"]);
        Assert.False(environment.ContainsKey("AWS_SESSION_TOKEN"), "an empty session token is passed on");
        Assert.Matches("^aws\\.ecs\\.task\\.id=local-.+$", environment["OTEL_RESOURCE_ATTRIBUTES"]);

        // The config file expands these the way the collector does (Board.Tests/Collector checks that side).
        Assert.Contains("awscloudwatchlogs", RepoFiles.Read("otel-collector-config.yaml"));
    }

    [Theory]
    [InlineData("--Collector:CloudWatch:Region=", "no region is set")]
    [InlineData("--AWS_ACCESS_KEY_ID=", "no AWS credentials in its environment: AWS_ACCESS_KEY_ID not set")]
    public async Task The_CloudWatch_switch_without_region_or_credentials_stops_the_AppHost(string missing, string message)
    {
        string[] args =
        [
            "--Collector:Mode=Container", "--Collector:CloudWatch:Enabled=true", "--Collector:CloudWatch:Region=eu-west-1",
            "--AWS_REGION=", "--AWS_ACCESS_KEY_ID=AKIDEXAMPLE", "--AWS_SECRET_ACCESS_KEY=example-secret", missing,
        ];
        var error = await Assert.ThrowsAnyAsync<Exception>(() => CreateAsync(args));
        Assert.Contains("Collector:CloudWatch:Enabled is true", Innermost(error).Message);
        Assert.Contains(message, Innermost(error).Message);
    }

    [Fact]
    public async Task The_CloudWatch_switch_without_the_collector_stops_the_AppHost()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => CreateAsync("--Collector:Mode=None", "--Collector:CloudWatch:Enabled=true"));
        Assert.Contains("Collector:CloudWatch:Enabled is true, but only the collector sends to CloudWatch Logs", Innermost(error).Message);
    }

    [Fact]
    public async Task An_unknown_collector_mode_is_refused_with_the_key_and_where_it_was_set()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => CreateAsync("--Collector:Mode=Sometimes"));
        Assert.Equal(
            "Collector:Mode is 'Sometimes' (from the command line); it must be one of Auto, Container, None.",
            Innermost(error).Message);
    }

    private static async Task<BoardAppHost> CreateAsync(params string[] args)
    {
        using var timeout = new CancellationTokenSource(s_timeout);
        var host = await BoardAppHost.CreateAsync(args, enableDashboard: false, timeout.Token);
        await host.BuildAsync(timeout.Token);
        return host;
    }

    private static DistributedApplicationModel Model(BoardAppHost host) =>
        host.App!.Services.GetRequiredService<DistributedApplicationModel>();

    private static IResource Resource(BoardAppHost host, string name) => Model(host).Resources.Single(r => r.Name == name);

    /// <summary>Gives every endpoint of the model an address, as DCP would at start; returns the ports by resource and endpoint.</summary>
    private static Dictionary<(string, string), int> AllocateEndpoints(BoardAppHost host)
    {
        var ports = new Dictionary<(string, string), int>();
        var port = 40_000;
        foreach (var resource in Model(host).Resources)
        {
            foreach (var endpoint in resource.Annotations.OfType<EndpointAnnotation>())
            {
                endpoint.AllocatedEndpoint ??= new AllocatedEndpoint(endpoint, "localhost", ++port);
                ports[(resource.Name, endpoint.Name)] = endpoint.AllocatedEndpoint.Port;
            }
        }

        return ports;
    }

    private static async Task<IReadOnlyDictionary<string, string>> Environment(BoardAppHost host, IResource resource)
    {
        var configuration = await ExecutionConfigurationBuilder.Create(resource)
            .WithEnvironmentVariablesConfig()
            .BuildAsync(Context(host), NullLogger.Instance, CancellationToken.None);
        return configuration.EnvironmentVariables.ToDictionary(StringComparer.Ordinal);
    }

    private static async Task<IReadOnlyList<string>> Arguments(BoardAppHost host, IResource resource)
    {
        var configuration = await ExecutionConfigurationBuilder.Create(resource)
            .WithArgumentsConfig()
            .BuildAsync(Context(host), NullLogger.Instance, CancellationToken.None);
        return [.. configuration.Arguments.Select(a => a.Value)];
    }

    private static DistributedApplicationExecutionContext Context(BoardAppHost host) =>
        host.App!.Services.GetRequiredService<DistributedApplicationExecutionContext>();

    private static Exception Innermost(Exception error)
    {
        while (error is AggregateException or System.Reflection.TargetInvocationException && error.InnerException is not null)
        {
            error = error.InnerException!;
        }

        return error;
    }
}
