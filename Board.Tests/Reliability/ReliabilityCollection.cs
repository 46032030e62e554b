namespace Board.Tests.Reliability;

/// <summary>
/// The reliability tests each start Board.Web and load it; they run one after another, and after the other test
/// classes, so that nothing else competes with them for the CPU (xunit runs a collection without parallelization
/// on its own, once the parallel ones are done).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReliabilityCollection
{
    public const string Name = "Reliability";
}
