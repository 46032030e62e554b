using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Board.ServiceDefaults.Requests;

/// <summary>
/// Builds the forwarded-headers handling from <see cref="TrustedProxyOptions"/>: with no proxy and no network
/// configured there is none, and an X-Forwarded-For from any peer is ignored (the seed believed it from anyone).
/// </summary>
internal static class TrustedProxies
{
    public static ForwardedHeadersMiddleware? Create(TrustedProxyOptions options, ILoggerFactory loggerFactory)
    {
        if (options.KnownProxies.Count == 0 && options.KnownNetworks.Count == 0)
        {
            return null;
        }

        var forwarded = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
            ForwardLimit = options.ForwardLimit,
        };

        // The framework trusts loopback by default; only what is configured is trusted here.
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        foreach (var proxy in options.KnownProxies)
        {
            forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
        }

        foreach (var network in options.KnownNetworks)
        {
            forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        }

        return new ForwardedHeadersMiddleware(static _ => Task.CompletedTask, loggerFactory, Options.Create(forwarded));
    }
}
