using System.Text;
using Board.ServiceDefaults.Sinks;
using Board.Tests.Support;

namespace Board.Tests.Sinks;

/// <summary>The background stdout writer: order, completeness, drops counted instead of blocking, Flush.</summary>
public sealed class LineWriterTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public void Lines_arrive_in_order_and_complete()
    {
        var output = new CapturedStdout();
        using var writer = new LineWriter(output, 64 * 1024 * 1024);
        for (var i = 0; i < 20_000; i++)
        {
            writer.Write(Encoding.UTF8.GetBytes($"line {i} {new string('.', i % 97)}\n"));
        }

        Assert.True(writer.Flush(Patience));
        var lines = output.Lines;
        Assert.Equal(20_000, lines.Count);
        for (var i = 0; i < lines.Count; i++)
        {
            Assert.Equal($"line {i} {new string('.', i % 97)}", lines[i]);
        }

        Assert.Equal(20_000, writer.WrittenLines);
        Assert.Equal(0, writer.DroppedLines);
    }

    [Fact]
    public void Lines_from_many_threads_are_never_interleaved()
    {
        var output = new CapturedStdout();
        using var writer = new LineWriter(output, 64 * 1024 * 1024);
        Parallel.For(0, 8, thread =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                writer.Write(Encoding.UTF8.GetBytes($"{thread}:{i}:{new string((char)('a' + thread), 50)}\n"));
            }
        });

        Assert.True(writer.Flush(Patience));
        var lines = output.Lines;
        Assert.Equal(16_000, lines.Count);
        foreach (var group in lines.Select(l => l.Split(':')).GroupBy(p => int.Parse(p[0], System.Globalization.CultureInfo.InvariantCulture)))
        {
            Assert.All(group, p => Assert.Equal(new string((char)('a' + group.Key), 50), p[2]));
            Assert.Equal(Enumerable.Range(0, 2_000), group.Select(p => int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    [Fact]
    public async Task A_blocked_stdout_does_not_block_the_caller_and_excess_lines_are_counted_exactly()
    {
        const int maxPending = 64 * 1024;
        const int lineBytes = 1000;
        const int attempts = 100;
        using var output = new BlockingStream();
        using var writer = new LineWriter(output, maxPending);

        // The first line is taken by the writer thread, which then blocks inside Write.
        writer.Write(Line("first", lineBytes));
        Assert.True(output.Entered.Wait(Patience), "the writer thread never wrote");

        var writes = Task.Run(() =>
        {
            for (var i = 0; i < attempts; i++)
            {
                writer.Write(Line($"pending {i:D3}", lineBytes));
            }
        });
        // Only a guard against a hang: the writes must finish while stdout stays blocked.
        await writes.WaitAsync(Patience);

        // The first line still waits for stdout, inside the blocked write: it counts against the bound.
        var accepted = (maxPending - lineBytes) / lineBytes;
        Assert.Equal(attempts - accepted, writer.DroppedLines);
        Assert.False(output.Gate.IsSet);

        output.Gate.Set();
        Assert.True(writer.Flush(Patience));
        var lines = output.Captured.Lines;
        Assert.Equal(1 + accepted, lines.Count);
        Assert.StartsWith("first", lines[0]);
        for (var i = 0; i < accepted; i++)
        {
            Assert.StartsWith($"pending {i:D3}", lines[i + 1]);
            Assert.Equal(lineBytes - 1, lines[i + 1].Length);
        }

        Assert.Equal(1 + accepted, writer.WrittenLines);
        Assert.Equal(attempts - accepted, writer.DroppedLines);
    }

    [Fact]
    public async Task A_line_written_after_another_one_on_another_thread_comes_out_after_it()
    {
        // Each thread writes only once the other's line is written, as a request's END follows its START, often
        // on another thread: stdout must have them in that order. The shared buffer keeps it by construction; a
        // writer with a buffer per thread (tried, see docs/performance.md) has to work for it.
        const int rounds = 5_000;
        var output = new CapturedStdout();
        using var writer = new LineWriter(output, 64 * 1024 * 1024);
        using var ping = new SemaphoreSlim(1);
        using var pong = new SemaphoreSlim(0);
        var first = Task.Factory.StartNew(() => Play("a", ping, pong), TaskCreationOptions.LongRunning);
        var second = Task.Factory.StartNew(() => Play("b", pong, ping), TaskCreationOptions.LongRunning);
        await Task.WhenAll(first, second).WaitAsync(Patience);

        Assert.True(writer.Flush(Patience));
        var expected = Enumerable.Range(0, rounds).SelectMany(i => new[] { $"a {i}", $"b {i}" });
        Assert.Equal(expected, output.Lines);

        void Play(string name, SemaphoreSlim mine, SemaphoreSlim theirs)
        {
            for (var i = 0; i < rounds; i++)
            {
                mine.Wait();
                writer.Write(Encoding.ASCII.GetBytes($"{name} {i}\n"));
                theirs.Release();
            }
        }
    }

    [Fact]
    public void A_line_reaches_stdout_without_a_flush_also_after_the_writer_went_idle()
    {
        var output = new CapturedStdout();
        using var writer = new LineWriter(output, 1024 * 1024);
        for (var i = 0; i < 20; i++)
        {
            // The writer has found nothing more to write and waits: this line must wake it.
            Assert.True(SpinWait.SpinUntil(() => writer.Parked, Patience), "the writer never went idle");
            writer.Write(Line($"line {i}", 40));
            Assert.True(SpinWait.SpinUntil(() => output.Lines.Count == i + 1, Patience), $"line {i} never reached stdout");
        }
    }

    [Fact]
    public void Lines_written_while_the_writer_is_disposed_are_each_written_or_counted()
    {
        var output = new CapturedStdout();
        var writer = new LineWriter(output, 64 * 1024 * 1024);
        using var started = new CountdownEvent(4);
        var stop = false;
        var written = new long[4];
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            started.Signal();
            while (!Volatile.Read(ref stop))
            {
                writer.Write(Line($"{t}:{written[t]++}", 24));
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        Assert.True(started.Wait(Patience));

        // Briefly: every line taken before Dispose is kept in memory by the captured stdout.
        Thread.Sleep(5);
        var droppedBefore = writer.DroppedLines;
        writer.Dispose();
        Thread.Sleep(20);
        Volatile.Write(ref stop, true);
        threads.ForEach(t => Assert.True(t.Join(Patience)));

        var lines = output.Lines;
        Assert.All(lines, line => Assert.Equal(23, line.Length));
        Assert.True(writer.DroppedLines > droppedBefore, "no line was written once Dispose had begun");
        Assert.Equal(written.Sum(), lines.Count + writer.DroppedLines);
        Assert.Equal(lines.Count, writer.WrittenLines);
    }

    [Fact]
    public async Task Threads_writing_at_once_never_hold_more_than_the_bound_while_stdout_is_blocked()
    {
        const int maxPending = 256 * 1024;
        const int lineBytes = 700;
        const int threads = 6;
        const int perThread = 200;
        using var output = new BlockingStream();
        using var writer = new LineWriter(output, maxPending);
        writer.Write(Line("first", lineBytes));
        Assert.True(output.Entered.Wait(Patience), "the writer thread never wrote");

        var writes = Enumerable.Range(0, threads).Select(t => Task.Factory.StartNew(() =>
        {
            for (var i = 0; i < perThread; i++)
            {
                writer.Write(Line($"{t}:{i:D3}", lineBytes));
            }
        }, TaskCreationOptions.LongRunning));
        await Task.WhenAll(writes).WaitAsync(Patience);

        // Up to the bound and not a line less: the first line, still inside the blocked write, counts against it.
        var accepted = threads * perThread - writer.DroppedLines;
        Assert.Equal((maxPending - lineBytes) / lineBytes, accepted);

        output.Gate.Set();
        Assert.True(writer.Flush(Patience));
        Assert.Equal(1 + accepted, output.Captured.Lines.Count);
        Assert.Equal(1 + accepted, writer.WrittenLines);
    }

    [Fact]
    public void Flush_waits_for_pending_lines()
    {
        using var output = new BlockingStream();
        using var writer = new LineWriter(output, 1024 * 1024);
        writer.Write(Line("first", 100));
        Assert.True(output.Entered.Wait(Patience));
        for (var i = 0; i < 10; i++)
        {
            writer.Write(Line($"more {i}", 100));
        }

        // Nothing can reach the stream while it is blocked, so Flush cannot succeed whatever its timeout.
        Assert.False(writer.Flush(TimeSpan.FromMilliseconds(50)));

        output.Gate.Set();
        Assert.True(writer.Flush(Patience));
        Assert.Equal(11, output.Captured.Lines.Count);
        Assert.Equal(11, writer.WrittenLines);
    }

    [Fact]
    public void A_stream_that_throws_IOException_counts_the_lines_as_dropped()
    {
        var output = new FailingStream();
        using var writer = new LineWriter(output, 1024 * 1024);
        for (var i = 0; i < 25; i++)
        {
            writer.Write(Line($"lost {i}", 80));
        }

        Assert.True(writer.Flush(Patience));
        Assert.Equal(25, writer.DroppedLines);
        Assert.Equal(0, writer.WrittenLines);
        Assert.True(output.Attempts > 0);
    }

    [Fact]
    public void Lines_written_after_dispose_are_dropped_not_thrown()
    {
        var output = new CapturedStdout();
        var writer = new LineWriter(output, 1024 * 1024);
        writer.Write(Line("before", 20));
        writer.Dispose();
        writer.Write(Line("after", 20));

        Assert.Equal(["before".PadRight(19, '.')], output.Lines);
        Assert.Equal(1, writer.DroppedLines);
    }

    /// <summary>A line of exactly <paramref name="bytes"/> bytes, newline included.</summary>
    private static byte[] Line(string text, int bytes) => Encoding.ASCII.GetBytes(text.PadRight(bytes - 1, '.') + "\n");

    private sealed class BlockingStream : WriteOnlyStream
    {
        public ManualResetEventSlim Gate { get; } = new();

        public ManualResetEventSlim Entered { get; } = new();

        public CapturedStdout Captured { get; } = new();

        public override void Write(byte[] buffer, int offset, int count)
        {
            Entered.Set();
            Gate.Wait();
            Captured.Write(buffer, offset, count);
        }

        protected override void Dispose(bool disposing)
        {
            // Never leave the writer thread parked on the gate.
            Gate.Set();
            base.Dispose(disposing);
        }
    }
}

/// <summary>Stands in for a closed stdout (a broken pipe): every write throws.</summary>
internal sealed class FailingStream : WriteOnlyStream
{
    private int _attempts;

    public int Attempts => Volatile.Read(ref _attempts);

    public override void Write(byte[] buffer, int offset, int count)
    {
        Interlocked.Increment(ref _attempts);
        throw new IOException("Broken pipe");
    }
}
