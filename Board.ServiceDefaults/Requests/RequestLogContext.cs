using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Board.ServiceDefaults.Requests;

/// <summary>
/// The request a record was written in, for every record written while it runs (the seed's ContextFilter,
/// but for the request). Values are copied when the request starts so that a record written after the
/// request ended, by work it started, never reads a recycled HttpContext.
/// </summary>
internal sealed class RequestLogContext
{
    private static readonly AsyncLocal<RequestLogContext?> s_current = new();

    private HttpContext? _httpContext;
    private string? _route;

    private readonly RoutedEndpointFeature? _endpoint;

    public RequestLogContext(HttpContext httpContext, string clientAddress, RoutedEndpointFeature? endpoint = null)
    {
        _httpContext = httpContext;
        _endpoint = endpoint;
        Method = httpContext.Request.Method;
        Path = httpContext.Request.Path.Value is { Length: > 0 } path ? path : "/";
        ClientAddress = clientAddress;
        RequestId = httpContext.TraceIdentifier;
    }

    public static RequestLogContext? Current
    {
        get => s_current.Value;
        set => s_current.Value = value;
    }

    public string Method { get; }
    public string Path { get; }
    public string ClientAddress { get; }
    public string RequestId { get; }

    /// <summary>The route template once routing has chosen an endpoint; null before.</summary>
    public string? Route
    {
        get
        {
            if (_route is null && _httpContext is { } context)
            {
                _route = RouteOf(context, _endpoint);
            }

            return _route;
        }
    }

    /// <summary>Called by the END entry: later records keep the values but stop looking at the HttpContext.</summary>
    public void Complete()
    {
        _route ??= _httpContext is { } context ? RouteOf(context, _endpoint) : null;
        _httpContext = null;
    }

    /// <summary>
    /// The route template of the endpoint the request was routed to. When an error page or a status-code page
    /// re-executed the request, that is the first routing decision, not the page that rendered the error.
    /// </summary>
    internal static string? RouteOf(HttpContext context, RoutedEndpointFeature? endpoint)
    {
        var routed = endpoint is { Routed: true } ? endpoint.FirstEndpoint : context.Features.Find<IEndpointFeature>()?.Endpoint;
        if (routed is not RouteEndpoint routeEndpoint)
        {
            return null;
        }

        var template = routeEndpoint.RoutePattern.RawText;
        if (string.IsNullOrEmpty(template))
        {
            return "/";
        }

        return template[0] == '/' ? template : "/" + template;
    }
}
