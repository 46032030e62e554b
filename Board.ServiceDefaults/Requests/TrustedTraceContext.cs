using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Board.ServiceDefaults.Requests;

/// <summary>
/// Removes trace context headers from a peer that is not a proxy <see cref="TrustedProxyOptions"/> names (from every
/// peer without <see cref="TrustedProxyOptions.TrustTraceContext"/>), so a client cannot choose its trace id, join a
/// known trace, or unsample itself.
/// </summary>
/// <remarks>
/// Note: the hosting layer and OpenTelemetry's instrumentation both read these headers from the HttpContext just
/// created, before any middleware: <see cref="IHttpContextFactory"/> is the one point in front of both.
/// </remarks>
internal static class TrustedTraceContext
{
    // W3C Trace Context and Baggage, and the hierarchical Request-Id and Correlation-Context that .NET's legacy
    // propagator still reads.
    private static readonly string[] s_headers = ["traceparent", "tracestate", "baggage", "Request-Id", "Correlation-Context"];

    /// <summary>Wraps the registered <see cref="IHttpContextFactory"/> (the framework's unless someone replaced it).</summary>
    public static void Add(IServiceCollection services, TrustedProxyOptions proxies)
    {
        // Null: no peer's trace context is believed.
        var forwarded = proxies.TrustTraceContext ? TrustedProxies.ForwardedOptions(proxies) : null;
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(IHttpContextFactory) && !d.IsKeyedService);
        services.RemoveAll<IHttpContextFactory>();
        services.AddSingleton<IHttpContextFactory>(sp => new Factory(Inner(sp, registered), forwarded));
    }

    private static IHttpContextFactory Inner(IServiceProvider services, ServiceDescriptor? registered) =>
        registered?.ImplementationInstance as IHttpContextFactory
        ?? registered?.ImplementationFactory?.Invoke(services) as IHttpContextFactory
        ?? (IHttpContextFactory)ActivatorUtilities.CreateInstance(services, registered?.ImplementationType ?? typeof(DefaultHttpContextFactory));

    private sealed class Factory(IHttpContextFactory inner, ForwardedHeadersOptions? trusted) : IHttpContextFactory
    {
        public HttpContext Create(IFeatureCollection featureCollection)
        {
            var context = inner.Create(featureCollection);
            // The socket's own peer: forwarded headers have not been applied yet, and must not decide this.
            if (trusted is null || !TrustedProxies.IsTrusted(trusted, context.Connection.RemoteIpAddress))
            {
                var headers = context.Request.Headers;
                foreach (var name in s_headers)
                {
                    headers.Remove(name);
                }
            }

            return context;
        }

        public void Dispose(HttpContext httpContext) => inner.Dispose(httpContext);
    }
}
