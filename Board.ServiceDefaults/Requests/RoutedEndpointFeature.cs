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
    private bool _routed;

    /// <summary>The route template of the first routing decision (with a leading '/'); null before it or without a match.</summary>
    public string? Route { get; private set; } = TemplateOf(initial);

    public Endpoint? Endpoint
    {
        get;
        set
        {
            if (!_routed)
            {
                _routed = true;
                Route = TemplateOf(FirstRouted(value));
            }

            field = value;
        }
    } = initial;

    // Routing may find nothing and set nothing; the first endpoint set is then the error page's, and the re-execution
    // feature knows the original one (null: no match).
    private Endpoint? FirstRouted(Endpoint? value) =>
        features.Get<IStatusCodeReExecuteFeature>() is { } statusPage ? statusPage.Endpoint
        : features.Get<IExceptionHandlerPathFeature>() is { } errorPage ? errorPage.Endpoint
        : value;

    private static string? TemplateOf(Endpoint? endpoint) => (endpoint as RouteEndpoint)?.RoutePattern.RawText switch
    {
        null when endpoint is not RouteEndpoint => null,
        null or "" => "/",
        ['/', ..] and var template => template,
        var template => "/" + template,
    };
}
