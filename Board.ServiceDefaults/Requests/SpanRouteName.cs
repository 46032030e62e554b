using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Board.ServiceDefaults.Requests;

/// <summary>
/// Names the server span after the route its END entry logs (<see cref="RoutedEndpointFeature"/>), so a span and its
/// records share <c>http.route</c>; the instrumentation takes the last endpoint's raw template ("Index", "b/{slug}", a
/// re-executed error page's). As the conventions say, a request no route matched is named by its method alone.
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
