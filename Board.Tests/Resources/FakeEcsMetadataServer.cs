using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Board.Tests.Resources;

/// <summary>
/// A stand-in for the ECS task metadata endpoint (v4) on 127.0.0.1: <c>{uri}</c> describes the container,
/// <c>{uri}/task</c> the task. Counts the requests; can answer late, with broken JSON or with a 500.
/// </summary>
public sealed class FakeEcsMetadataServer : IAsyncDisposable
{
    public const string TaskArn = "arn:aws:ecs:eu-west-1:123456789012:task/board-cluster/0123456789abcdef0";
    public const string DockerId = "cd189a933e5849daa93386466019ab50-2495160603";
    public const string ContainerArn = "arn:aws:ecs:eu-west-1:123456789012:container/board-cluster/0123456789abcdef0/1f1b0a4c-2c4b-4d5c-9a3f-111111111111";

    private const string BasePath = "/v4/0123456789abcdef0-2495160603";

    private readonly WebApplication _app;
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _containerRequests;
    private int _taskRequests;

    private FakeEcsMetadataServer(WebApplication app) => _app = app;

    public enum Behaviour
    {
        Good,

        /// <summary>Answers only once the client gave up (or the server is disposed).</summary>
        Slow,
        MalformedJson,
        ServerError,
    }

    public string Uri { get; private set; } = "";

    public int ContainerRequests => Volatile.Read(ref _containerRequests);

    public int TaskRequests => Volatile.Read(ref _taskRequests);

    public static async Task<FakeEcsMetadataServer> StartAsync(Behaviour behaviour, string cluster = "board-cluster", string taskArn = TaskArn)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new FakeEcsMetadataServer(app);

        app.MapGet(BasePath, context =>
        {
            Interlocked.Increment(ref server._containerRequests);
            return server.AnswerAsync(context, behaviour, $$"""
                {"DockerId":"{{DockerId}}","Name":"board-web","DockerName":"ecs-board-7-board-web","ContainerARN":"{{ContainerArn}}","Image":"board:latest"}
                """);
        });
        app.MapGet(BasePath + "/task", context =>
        {
            Interlocked.Increment(ref server._taskRequests);
            return server.AnswerAsync(context, behaviour, $$"""
                {"Cluster":"{{cluster}}","TaskARN":"{{taskArn}}","Family":"board","Revision":"7","DesiredStatus":"RUNNING","KnownStatus":"RUNNING","LaunchType":"FARGATE","AvailabilityZone":"eu-west-1a","Containers":[]}
                """);
        });

        await app.StartAsync();
        server.Uri = app.Urls.Single().TrimEnd('/') + BasePath;
        return server;
    }

    private async Task AnswerAsync(HttpContext context, Behaviour behaviour, string json)
    {
        switch (behaviour)
        {
            case Behaviour.Slow:
                // Wait for the client to give up; the answer then goes nowhere.
                try
                {
                    await _release.Task.WaitAsync(context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                break;
            case Behaviour.MalformedJson:
                json = "{\"DockerId\": \"abc\", \"TaskARN\": ";
                break;
            case Behaviour.ServerError:
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                await context.Response.WriteAsync("metadata unavailable");
                return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json);
    }

    public async ValueTask DisposeAsync()
    {
        _release.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
