using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Board.ServiceDefaults.Requests;

/// <summary>
/// Names the server span after the route its END entry logs (<see cref="RoutedEndpointFeature"/>), so that a user can
/// go from a span to its records by <c>http.route</c> and back. The ASP.NET Core instrumentation takes the raw template
/// of the last endpoint instead: "Index" for the root page, "b/{slug}" without its '/', and for a re-executed error
/// page that page's own template. As the semantic conventions say, a request that no route matched (a static file,
/// a 404) is named by its method alone and has no <c>http.route</c>.
/// </summary>
internal static class SpanRouteName
{
    public static void OnResponse(Activity activity, HttpResponse response)
    {
        // Only where the request logging decided the route (it is on unless switched off).
        if (response.HttpContext.Features.Get<IEndpointFeature>() is not RoutedEndpointFeature endpoint)
        {
            return;
        }

        // The instrumentation's method: "_OTHER" for a method it does not know, which the conventions name "HTTP".
        var method = activity.GetTagItem("http.request.method") is string known and not "_OTHER" ? known : "HTTP";
        activity.DisplayName = endpoint.Route is { } route ? $"{method} {route}" : method;
        activity.SetTag("http.route", endpoint.Route);
    }
}
