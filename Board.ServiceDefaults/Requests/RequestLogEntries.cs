using System.Collections;
using System.Globalization;
using Board.ServiceDefaults.Enrichment;
using Microsoft.Extensions.Logging;

namespace Board.ServiceDefaults.Requests;

/// <summary>
/// The START and END entries. Each is a state object that is its own attribute list, so every value is a
/// field under its OpenTelemetry name and the message is rendered from a template, never interpolated.
/// </summary>
internal static class RequestLogEntries
{
    /// <summary>Named for the entries, not the class that writes them, so <c>Logging:LogLevel:Board.Requests</c> stays put.</summary>
    public const string Category = "Board.Requests";

    public static readonly EventId Started = new(1, "RequestStarted");
    public static readonly EventId Completed = new(2, "RequestCompleted");

    public const string StartedTemplate = "Incoming {http.request.method} request to {url.path}";
    // The duration is a field, not part of the message: the message of every END entry for one path and status is
    // the same, so it groups (stats count() by message), and each request's line is shorter.
    public const string CompletedTemplate = "{http.request.method} {url.path} completed with status {http.response.status_code}";

    public static readonly Func<RequestStartedState, Exception?, string> FormatStarted =
        static (s, _) => string.Concat("Incoming ", s.Method, " request to ", s.Path);

    public static readonly Func<RequestCompletedState, Exception?, string> FormatCompleted = static (s, _) =>
        string.Create(CultureInfo.InvariantCulture, $"{s.Method} {s.Path} completed with status {s.StatusCode}");
}

/// <summary>A record state that is its own attribute list: the START and END entries, and held records.</summary>
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
        9 => new(MessageTemplate.Key, RequestLogEntries.StartedTemplate),
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
        3 => new("http.response.status_code", StatusCode),
        4 => new("duration_ms", DurationMs),
        5 => new("http.response.body.size", ResponseSize),
        // A false here says nothing: the field is there only when the client went away.
        6 => new("http.request.aborted", ClientAborted ? true : null),
        7 => new(MessageTemplate.Key, RequestLogEntries.CompletedTemplate),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public override string ToString() => RequestLogEntries.FormatCompleted(this, null);
}
