namespace Board.ServiceDefaults.Sinks;

/// <summary>Where the console sink writes: stdout, opened raw so that nothing buffers or locks in front of it.</summary>
internal sealed class LogOutput(Stream stream)
{
    public static LogOutput StandardOutput() => new(Console.OpenStandardOutput());

    public Stream Stream { get; } = stream;
}
