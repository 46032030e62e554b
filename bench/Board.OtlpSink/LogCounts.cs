using System.Text;

namespace Board.OtlpSink;

/// <summary>
/// Counts the log records of ExportLogsServiceRequest bodies by walking the protobuf wire format in place:
/// request.resource_logs(1) -> scope_logs(2) -> log_records(2) -> event_name(12). Nothing is copied or decoded
/// beyond what the count needs, so the receiver takes as little as it can of the CPU it shares with the app.
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
        foreach (var resourceLogs in new Fields(request, 1))
        {
            foreach (var scopeLogs in new Fields(resourceLogs, 2))
            {
                foreach (var record in new Fields(scopeLogs, 2))
                {
                    records++;
                    foreach (var name in new Fields(record, 12))
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

    /// <summary>The length-delimited fields numbered <c>wanted</c> of one message, as slices of it.</summary>
    private ref struct Fields(ReadOnlySpan<byte> message, int wanted)
    {
        private readonly ReadOnlySpan<byte> _message = message;
        private int _position;

        public ReadOnlySpan<byte> Current { get; private set; }

        public readonly Fields GetEnumerator() => this;

        public bool MoveNext()
        {
            while (_position < _message.Length)
            {
                var tag = ReadVarint(_message, ref _position);
                switch ((int)(tag & 7))
                {
                    case 0:
                        ReadVarint(_message, ref _position);
                        break;
                    case 1:
                        _position += 8;
                        break;
                    case 2:
                        var length = (int)ReadVarint(_message, ref _position);
                        var start = _position;
                        _position += length;
                        if ((int)(tag >> 3) == wanted)
                        {
                            Current = _message.Slice(start, length);
                            return true;
                        }

                        break;
                    case 5:
                        _position += 4;
                        break;
                    default:
                        throw new InvalidDataException($"wire type {tag & 7} at {_position}");
                }
            }

            return false;
        }
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
