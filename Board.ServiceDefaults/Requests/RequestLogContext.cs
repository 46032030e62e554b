using Microsoft.AspNetCore.Http;

namespace Board.ServiceDefaults.Requests;

/// <summary>
/// The request a record was written in, for every record written while it runs. Values are copied when the request
/// starts, and the route is read from the request's own <see cref="RoutedEndpointFeature"/>, so that a record written
/// by work the request started, on another thread or after it ended, never reads the HttpContext.
/// </summary>
internal sealed class RequestLogContext(HttpContext httpContext, string clientAddress, RoutedEndpointFeature endpoint)
{
    private static readonly AsyncLocal<RequestLogContext?> s_current = new();

    public static RequestLogContext? Current
    {
        get => s_current.Value;
        set => s_current.Value = value;
    }

    public string Method { get; } = httpContext.Request.Method;
    public string Path { get; } = httpContext.Request.Path.Value is { Length: > 0 } path ? path : "/";
    public string ClientAddress { get; } = clientAddress;
    public string RequestId { get; } = httpContext.TraceIdentifier;

    /// <summary>The records below the level this request holds back (see <see cref="Held.HeldRecordRequests"/>); null when that is off.</summary>
    public Held.HeldRecordBuffer? Held { get; init; }

    /// <summary>Whether the END entry is written at the level of a request that threw, with the exception on it.</summary>
    public bool EndLogsException { get; init; }

    /// <summary>The route template once routing has chosen an endpoint; null before (see <see cref="RoutedEndpointFeature"/>).</summary>
    public string? Route => endpoint.Route;
}
