using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Board.ServiceDefaults.Requests;

/// <summary>
/// Remembers the first routing decision of a request. Error and status-code pages re-execute a request (routing it
/// again, to the error page), and <c>http.route</c> must name the route the client asked for, not the page that
/// rendered the error: the first endpoint set, or none when routing found no match before the re-execution.
/// </summary>
/// <remarks>
/// The route's text is made here, on the request's thread, when routing decides, and read as one reference: a record
/// written by work on another thread reads it without touching the HttpContext, which is neither thread-safe nor
/// the request's once it has ended.
/// </remarks>
internal sealed class RoutedEndpointFeature(IFeatureCollection features, Endpoint? initial) : IEndpointFeature
{
    private Endpoint? _current = initial;

    public bool Routed { get; private set; }

    public Endpoint? FirstEndpoint { get; private set; }

    /// <summary>The route template of the first routing decision (with a leading '/'); null before it or without a match.</summary>
    public string? Route { get; private set; } = TemplateOf(initial);

    public Endpoint? Endpoint
    {
        get => _current;
        set
        {
            if (!Routed)
            {
                Routed = true;

                // Routing may find nothing and set nothing; the first endpoint set is then the error page's,
                // and the re-execution feature knows the original one (null: no match).
                FirstEndpoint = ReExecutedFrom(out var original) ? original : value;
                Route = TemplateOf(FirstEndpoint);
            }

            _current = value;
        }
    }

    private bool ReExecutedFrom(out Endpoint? original)
    {
        if (features.Find<IStatusCodeReExecuteFeature>() is { } statusPage)
        {
            original = statusPage.Endpoint;
            return true;
        }

        if (features.Find<IExceptionHandlerPathFeature>() is { } errorPage)
        {
            original = errorPage.Endpoint;
            return true;
        }

        original = null;
        return false;
    }

    private static string? TemplateOf(Endpoint? endpoint)
    {
        if (endpoint is not RouteEndpoint routeEndpoint)
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
