namespace Board.Tests.AspireHost;

/// <summary>
/// The tests that start the AppHost, run one after another: each starts DCP, the dashboard and web, and two of them
/// starting at once on a two-core machine take twice as long each, past any bound a hung start should fail at.
/// </summary>
[CollectionDefinition(Name)]
public sealed class AppHostCollection
{
    public const string Name = "AppHost";
}
