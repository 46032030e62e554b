using System.Collections;
using System.Globalization;
using System.Text;
using Board.ServiceDefaults.Sinks;
using Microsoft.Extensions.Logging;

namespace Board.ServiceDefaults.Requests;

/// <summary>
/// The START and END entries. Each is a state object that is its own attribute list, so every value is a
/// field under its OpenTelemetry name and the message is rendered from a template, never interpolated.
/// </summary>
internal static class RequestLogEntries
{
    /// <summary>
    /// The logger category of the entries: named for what they are rather than for the class that writes them, so
    /// that the key teams filter them by (<c>Logging:LogLevel:Board.Requests</c>) does not move with the code.
    /// </summary>
    public const string Category = "Board.Requests";

    public static readonly EventId Started = new(1, "RequestStarted");
    public static readonly EventId Completed = new(2, "RequestCompleted");

    public const string StartedTemplate = "Incoming {http.request.method} request to {url.path}";
    public const string CompletedTemplate = "{http.request.method} {url.path} completed with status {http.response.status_code} in {duration_ms} ms";

    public static readonly Func<RequestStartedState, Exception?, string> FormatStarted =
        static (s, _) => string.Concat("Incoming ", s.Method, " request to ", s.Path);

    // duration_ms is already rounded to microseconds, so its shortest form is what the field holds.
    public static readonly Func<RequestCompletedState, Exception?, string> FormatCompleted = static (s, _) =>
    {
        Span<byte> utf8 = stackalloc byte[32];
        Span<char> duration = stackalloc char[32];
        int length;
        if (ThousandthsFormat.TryFormat(s.DurationMs, utf8, out length))
        {
            Ascii.ToUtf16(utf8[..length], duration, out length);
        }
        else
        {
            s.DurationMs.TryFormat(duration, out length, default, CultureInfo.InvariantCulture);
        }

        return string.Create(CultureInfo.InvariantCulture, $"{s.Method} {s.Path} completed with status {s.StatusCode} in {duration[..length]} ms");
    };

    // Boxes made once: every END entry would otherwise allocate its status and flag anew.
    private static readonly object[] s_statusBoxes = [.. Enumerable.Range(0, 600).Select(static code => (object)code)];
    private static readonly object s_true = true;
    private static readonly object s_false = false;

    public static object Box(int statusCode) => (uint)statusCode < (uint)s_statusBoxes.Length ? s_statusBoxes[statusCode] : statusCode;

    public static object Box(bool value) => value ? s_true : s_false;
}

/// <summary>
/// An entry's state: its own attribute list, read by index (the logger and the enrichment do; only the enrichment's
/// fallback, after a failure, enumerates it).
/// </summary>
internal abstract class EntryState : IReadOnlyList<KeyValuePair<string, object?>>
{
    public abstract int Count { get; }

    public abstract KeyValuePair<string, object?> this[int index] { get; }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

internal sealed class RequestStartedState : EntryState
{
    public required string Method { get; init; }
    public required string Path { get; init; }
    public string? Query { get; init; }
    public required string Scheme { get; init; }
    public string? ServerAddress { get; init; }
    public required string ClientAddress { get; init; }
    public required string PeerAddress { get; init; }
    public string? UserAgent { get; init; }
    public required string ProtocolVersion { get; init; }

    public override int Count => 10;

    public override KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("http.request.method", Method),
        1 => new("url.path", Path),
        2 => new("url.query", Query),
        3 => new("url.scheme", Scheme),
        4 => new("server.address", ServerAddress),
        5 => new("client.address", ClientAddress),
        6 => new("network.peer.address", PeerAddress),
        7 => new("user_agent.original", UserAgent),
        8 => new("network.protocol.version", ProtocolVersion),
        9 => new("{OriginalFormat}", RequestLogEntries.StartedTemplate),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public override string ToString() => RequestLogEntries.FormatStarted(this, null);
}

internal sealed class RequestCompletedState : EntryState
{
    public required string Method { get; init; }
    public required string Path { get; init; }
    public string? Route { get; init; }
    public required int StatusCode { get; init; }
    public required double DurationMs { get; init; }
    public long? ResponseSize { get; init; }
    public bool ClientAborted { get; init; }

    public override int Count => 8;

    public override KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("http.request.method", Method),
        1 => new("url.path", Path),
        2 => new("http.route", Route),
        3 => new("http.response.status_code", RequestLogEntries.Box(StatusCode)),
        4 => new("duration_ms", DurationMs),
        5 => new("http.response.body.size", ResponseSize),
        6 => new("http.request.aborted", RequestLogEntries.Box(ClientAborted)),
        7 => new("{OriginalFormat}", RequestLogEntries.CompletedTemplate),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public override string ToString() => RequestLogEntries.FormatCompleted(this, null);
}
