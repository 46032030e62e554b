using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Board.ServiceDefaults.Requests;

/// <summary>
/// Keeps a request's first routing decision, so that <c>http.route</c> names the route the client asked for, not the
/// error or status-code page a re-execution routed to.
/// </summary>
/// <remarks>
/// Note: the route's text is made on the request's thread when routing decides, and read as one reference, so a record
/// written on another thread never touches the HttpContext, which is not thread-safe nor the request's once it ended.
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
