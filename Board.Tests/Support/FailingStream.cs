namespace Board.Tests.Support;

/// <summary>A stdout whose every write fails, as a closed pipe's does.</summary>
public sealed class FailingStream : WriteOnlyStream
{
    private int _attempts;

    public int Attempts => Volatile.Read(ref _attempts);

    public override void Write(byte[] buffer, int offset, int count)
    {
        Interlocked.Increment(ref _attempts);
        throw new IOException("Broken pipe");
    }
}
