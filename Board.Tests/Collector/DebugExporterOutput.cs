namespace Board.Tests.Collector;

/// <summary>
/// Reads the collector's debug exporter output at verbosity "detailed" (the text format of
/// go.opentelemetry.io/collector/exporter/debugexporter/internal/otlptext/logs.go, v0.156.0): one
/// "ResourceLog #n" block per resource, its "Resource attributes:" as "     -> key: Type(value)" lines,
/// then "LogRecord #n" entries with "SeverityText: ...", "Body: Str(...)" and "Attributes:".
/// Lines may carry a logger prefix (timestamp, level) on the first line of each exporter message, and, read
/// through Aspire's ResourceLoggerService, every line starts with the container runtime's timestamp and a space
/// ("2026-08-01T10:00:00.1234567Z "), which is taken off first.
/// </summary>
public sealed partial class DebugExporterOutput
{
    private readonly List<ResourceBlock> _blocks = [];

    public sealed record LogRecordEntry(string Body, IReadOnlyDictionary<string, string> Resource);

    public IEnumerable<LogRecordEntry> Records =>
        _blocks.SelectMany(block => block.Bodies.Select(body => new LogRecordEntry(body, block.Resource)));

    public void Add(string line)
    {
        line = ResourceLogTimestamp().Replace(line, "", 1);
        var resourceLog = line.IndexOf("ResourceLog #", StringComparison.Ordinal);
        if (resourceLog >= 0)
        {
            _blocks.Add(new ResourceBlock());
            return;
        }

        if (_blocks.Count == 0)
        {
            return;
        }

        var block = _blocks[^1];
        var trimmed = line.Trim();
        if (trimmed.StartsWith("Resource attributes:", StringComparison.Ordinal))
        {
            block.InResource = true;
        }
        else if (trimmed.StartsWith("ScopeLogs #", StringComparison.Ordinal) || trimmed.StartsWith("LogRecord #", StringComparison.Ordinal))
        {
            block.InResource = false;
        }
        else if (block.InResource && trimmed.StartsWith("-> ", StringComparison.Ordinal))
        {
            var separator = trimmed.IndexOf(": ", StringComparison.Ordinal);
            if (separator > 3)
            {
                block.Resource[trimmed[3..separator]] = Unwrap(trimmed[(separator + 2)..]);
            }
        }
        else if (trimmed.StartsWith("Body: ", StringComparison.Ordinal))
        {
            block.Bodies.Add(Unwrap(trimmed["Body: ".Length..]));
        }
    }

    /// <summary>"Str(text)" -> "text", "Int(42)" -> "42".</summary>
    private static string Unwrap(string typed)
    {
        var open = typed.IndexOf('(');
        return open > 0 && typed.EndsWith(')') ? typed[(open + 1)..^1] : typed;
    }

    private sealed class ResourceBlock
    {
        public bool InResource { get; set; }

        public Dictionary<string, string> Resource { get; } = [];

        public List<string> Bodies { get; } = [];
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}) ")]
    private static partial System.Text.RegularExpressions.Regex ResourceLogTimestamp();
}
