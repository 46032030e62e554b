using System.Text.Json;
using Xunit.Abstractions;

namespace Board.Tests.Collector;

/// <summary>
/// What CloudWatch Logs stores of a request's two entries on the ECS path: Board's real OTLP records, through the
/// logs pipeline the task definition selects, serialized as the pinned awscloudwatchlogs exporter does.
/// </summary>
[Collection(CloudWatchEventsCollection.Name)]
public sealed class CloudWatchEventTests(CloudWatchEventsFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public void Report_the_events()
    {
        foreach (var request in fixture.Requests)
        {
            output.WriteLine($"{request.Name}: {request.BilledBytes} bytes (stream {request.LogStream})");
            output.WriteLine(request.StartEvent);
            output.WriteLine(request.EndEvent);
        }
    }
}
