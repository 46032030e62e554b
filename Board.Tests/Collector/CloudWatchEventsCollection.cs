namespace Board.Tests.Collector;

/// <summary>The test classes that read the same <see cref="CloudWatchEventsFixture"/> (one Board.Web process for all).</summary>
[CollectionDefinition(Name)]
public sealed class CloudWatchEventsCollection : ICollectionFixture<CloudWatchEventsFixture>
{
    public const string Name = "CloudWatch events";
}
