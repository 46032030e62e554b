using System.Text;
using System.Text.Json;

namespace Board.Tests.Support;

/// <summary>Stands in for stdout: keeps every byte the console sink writes and splits it into lines.</summary>
public sealed class CapturedStdout : WriteOnlyStream
{
    private readonly MemoryStream _bytes = new();
    private readonly object _gate = new();

    public byte[] Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes.ToArray();
            }
        }
    }

    public string Text => Encoding.UTF8.GetString(Bytes);

    /// <summary>Complete lines (a line still being written is left out), without their newline.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            var text = Text;
            var end = text.LastIndexOf('\n');
            return end < 0 ? [] : text[..end].Split('\n');
        }
    }

    /// <summary>Every line parsed as JSON; a line that is not one JSON object fails the test.</summary>
    public IReadOnlyList<JsonElement> JsonLines() =>
        [.. Lines.Select(line =>
        {
            using var document = JsonDocument.Parse(line);
            Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
            return document.RootElement.Clone();
        })];

    public override void Write(byte[] buffer, int offset, int count)
    {
        lock (_gate)
        {
            _bytes.Write(buffer, offset, count);
        }
    }
}
