using System.Buffers;

namespace Board.ServiceDefaults.Sinks;

/// <summary>
/// Carries formatted lines to stdout on a thread of its own, so that a slow reader of stdout never slows a
/// request. Lines wait in one growing buffer that is swapped out and written whole, which batches them under
/// load. Past <c>maxPendingBytes</c> waiting (the batch being written included) a line is dropped and counted
/// instead of blocking its writer.
/// The thread is woken through an event of its own, set outside the lock and only when it is parked, and it
/// waits <see cref="GatherDelay"/> before taking a batch, and again after writing one: under load it then runs once
/// per delay and is never parked, so no request thread has to wake it (a wake-up is a system call and, on another
/// core, an interrupt there).
/// </summary>
internal sealed class LineWriter : IDisposable
{
    private const int InitialBufferBytes = 64 * 1024;

    /// <summary>
    /// How long the writer lets lines gather after it was woken; bounds how late a line reaches stdout. Each of the
    /// writer's wake-ups under load costs the request threads more than its own work: 0.25 ms cost about 5 µs of CPU
    /// per request more than 1 ms, and 4 ms about 0.5 µs less (docs/performance.md, "The writer's gather delay").
    /// </summary>
    private static readonly TimeSpan GatherDelay = TimeSpan.FromMilliseconds(4);

    private readonly Stream _output;
    private readonly int _maxPendingBytes;
    // System.Threading.Lock: its uncontended enter and exit stay in managed code, where a Monitor on an object goes
    // through the runtime's helpers, twice per line. Flush waits on a monitor of its own (_batchWritten).
    private readonly Lock _gate = new();
    private readonly object _batchWritten = new();
    private readonly Thread _thread;
    private readonly AutoResetEvent _wake = new(false);

    private byte[] _active = ArrayPool<byte>.Shared.Rent(InitialBufferBytes);
    private byte[]? _spare = ArrayPool<byte>.Shared.Rent(InitialBufferBytes);
    private int _activeLength;
    // The batch the writer thread is writing still waits for stdout, so it counts against maxPendingBytes too.
    private int _writingLength;
    private bool _writing;
    private bool _stopping;
    private bool _parked;
    private long _droppedLines;
    private long _writtenLines;
    private int _activeLines;

    public LineWriter(Stream output, int maxPendingBytes)
    {
        _output = output;
        _maxPendingBytes = maxPendingBytes;
        _thread = new Thread(Run) { IsBackground = true, Name = "Board log writer" };
        _thread.Start();
    }

    /// <summary>Lines dropped because too much was waiting, or because stdout failed.</summary>
    public long DroppedLines => Interlocked.Read(ref _droppedLines);

    /// <summary>Lines handed to stdout.</summary>
    public long WrittenLines => Interlocked.Read(ref _writtenLines);

    public void Write(ReadOnlySpan<byte> line)
    {
        bool wake;
        lock (_gate)
        {
            if (_stopping || _activeLength + _writingLength + line.Length > _maxPendingBytes)
            {
                _droppedLines++;
                return;
            }

            if (_activeLength + line.Length > _active.Length)
            {
                Grow(_activeLength + line.Length);
            }

            line.CopyTo(_active.AsSpan(_activeLength));
            _activeLength += line.Length;
            _activeLines++;

            // Only the first line after the writer parked wakes it; the others find it awake.
            wake = _parked;
            _parked = false;
        }

        if (wake)
        {
            _wake.Set();
        }
    }

    /// <summary>Waits until every line written so far has reached stdout.</summary>
    public bool Flush(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;

        // The writer pulses _batchWritten after each batch, taking it only once the batch's state is updated; the
        // state is checked here while _batchWritten is held, so no pulse falls between the check and the wait.
        lock (_batchWritten)
        {
            while (!Idle())
            {
                _wake.Set();
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !Monitor.Wait(_batchWritten, left))
                {
                    return Idle();
                }
            }

            return true;
        }
    }

    public void Dispose()
    {
        Flush(TimeSpan.FromSeconds(5));
        lock (_gate)
        {
            _stopping = true;
        }

        // The event is left to the GC, not disposed: a Write that took its line just before _stopping was set
        // still sets it, after the lock, and a disposed event would throw into the code that logged.
        _wake.Set();
        _thread.Join(TimeSpan.FromSeconds(5));
    }

    /// <summary>Whether the writer thread is waiting for a line (for tests of the wake-up).</summary>
    internal bool Parked
    {
        get
        {
            lock (_gate)
            {
                return _parked;
            }
        }
    }

    private void Run()
    {
        while (true)
        {
            byte[] buffer;
            int length;
            int lines;
            lock (_gate)
            {
                if (_activeLength == 0)
                {
                    if (_stopping)
                    {
                        return;
                    }

                    // Parked: the next Write, Flush or Dispose sets the event (outside the lock, see Write).
                    _parked = true;
                    buffer = [];
                    length = 0;
                    lines = 0;
                }
                else
                {
                    buffer = _active;
                    length = _activeLength;
                    lines = _activeLines;
                    _active = _spare ?? ArrayPool<byte>.Shared.Rent(InitialBufferBytes);
                    _spare = null;
                    _activeLength = 0;
                    _activeLines = 0;
                    _writingLength = length;
                    _writing = true;
                }
            }

            if (length == 0)
            {
                _wake.WaitOne();

                // Let the lines of concurrent requests join this batch; Flush and Dispose cut it short.
                _wake.WaitOne(GatherDelay);
                continue;
            }

            var ok = true;
            try
            {
                _output.Write(buffer, 0, length);
                _output.Flush();
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or NotSupportedException)
            {
                ok = false;
            }

            lock (_gate)
            {
                if (ok)
                {
                    _writtenLines += lines;
                }
                else
                {
                    _droppedLines += lines;
                }

                _spare = buffer;
                _writingLength = 0;
                _writing = false;
            }

            lock (_batchWritten)
            {
                Monitor.PulseAll(_batchWritten);
            }

            // Let the next batch gather; Flush and Dispose cut it short.
            _wake.WaitOne(GatherDelay);
        }
    }

    private bool Idle()
    {
        lock (_gate)
        {
            return _activeLength == 0 && !_writing;
        }
    }

    private void Grow(int needed)
    {
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _active.Length * 2));
        _active.AsSpan(0, _activeLength).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_active);
        _active = bigger;
    }
}
