namespace Board.Tests.Reliability;

/// <summary>
/// The reliability tests each start Board.Web and load it; they run one after another so that they do not
/// compete for the CPU with each other (they still run beside the other test classes).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReliabilityCollection
{
    public const string Name = "Reliability";
}
