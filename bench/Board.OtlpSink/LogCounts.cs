using System.Text;

namespace Board.OtlpSink;

/// <summary>
/// Counts the log records of ExportLogsServiceRequest bodies by walking the protobuf wire format:
/// request.resource_logs(1) -> scope_logs(2) -> log_records(2) -> event_name(12).
/// </summary>
internal sealed class LogCounts
{
    private static readonly byte[] Started = Encoding.UTF8.GetBytes("RequestStarted");
    private static readonly byte[] Completed = Encoding.UTF8.GetBytes("RequestCompleted");

    private long _records;
    private long _started;
    private long _completed;
    private long _requests;

    public void Add(ReadOnlySpan<byte> request)
    {
        long records = 0, started = 0, completed = 0;
        foreach (var resourceLogs in Fields(request, 1))
        {
            foreach (var scopeLogs in Fields(resourceLogs, 2))
            {
                foreach (var record in Fields(scopeLogs, 2))
                {
                    records++;
                    foreach (var name in Fields(record, 12))
                    {
                        if (name.SequenceEqual(Started))
                        {
                            started++;
                        }
                        else if (name.SequenceEqual(Completed))
                        {
                            completed++;
                        }
                    }
                }
            }
        }

        Interlocked.Add(ref _records, records);
        Interlocked.Add(ref _started, started);
        Interlocked.Add(ref _completed, completed);
        Interlocked.Increment(ref _requests);
    }

    public override string ToString() =>
        $"{Interlocked.Read(ref _records)} {Interlocked.Read(ref _started)} {Interlocked.Read(ref _completed)} {Interlocked.Read(ref _requests)}\n";

    /// <summary>The length-delimited fields numbered <paramref name="wanted"/> of one message.</summary>
    private static List<byte[]> Fields(ReadOnlySpan<byte> message, int wanted)
    {
        var found = new List<byte[]>();
        var position = 0;
        while (position < message.Length)
        {
            var tag = ReadVarint(message, ref position);
            var field = (int)(tag >> 3);
            switch ((int)(tag & 7))
            {
                case 0:
                    ReadVarint(message, ref position);
                    break;
                case 1:
                    position += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(message, ref position);
                    if (field == wanted)
                    {
                        found.Add(message.Slice(position, length).ToArray());
                    }

                    position += length;
                    break;
                case 5:
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"wire type {tag & 7} at {position}");
            }
        }

        return found;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }
}
