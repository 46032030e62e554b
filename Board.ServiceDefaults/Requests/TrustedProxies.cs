using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Board.ServiceDefaults.Requests;

/// <summary>
/// Believes <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> only from the proxies in
/// <see cref="TrustedProxyOptions"/>. Applied whether or not Board logs: the client address and the scheme that cookies
/// and redirects depend on must not change with a logging switch.
/// </summary>
internal static class TrustedProxies
{
    public static void Add(TrustedProxyOptions options, OutermostStartupFilters startupFilters)
    {
        if (!IsConfigured(options))
        {
            return;
        }

        // Added before the request logging's filter, so this middleware is outside it and the START entry already
        // sees the forwarded client.
        startupFilters.Add(app =>
        {
            var loggerFactory = app.ApplicationServices.GetRequiredService<ILoggerFactory>();
            var forwarders = new ForwardedHeadersMiddleware(static _ => Task.CompletedTask, loggerFactory, Options.Create(ForwardedOptions(options)));
            app.Use(next => context =>
            {
                // The address the connection came from, kept for network.peer.address before it is replaced.
                context.Features.Set(new SocketPeerFeature(context.Connection.RemoteIpAddress));
                forwarders.ApplyForwarders(context);
                return next(context);
            });
        });
    }

    public static bool IsConfigured(TrustedProxyOptions options) => options.KnownProxies.Count > 0 || options.KnownNetworks.Count > 0;

    /// <summary>
    /// Whether a connection's own remote address is one of the proxies, compared as
    /// <see cref="ForwardedHeadersMiddleware"/> compares it (an IPv4 address mapped to IPv6 matches its IPv4 form).
    /// </summary>
    public static bool IsTrusted(ForwardedHeadersOptions forwarded, IPAddress? address)
    {
        if (address is null)
        {
            return false;
        }

        if ((address.IsIPv4MappedToIPv6 && IsTrusted(forwarded, address.MapToIPv4())) || forwarded.KnownProxies.Contains(address))
        {
            return true;
        }

        // A loop rather than Any(): this runs for every request, and a lambda over the address would allocate each time.
        foreach (var network in forwarded.KnownIPNetworks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The framework's options for exactly the configured proxies: what every check of a proxy here trusts.</summary>
    public static ForwardedHeadersOptions ForwardedOptions(TrustedProxyOptions options)
    {
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

        return forwarded;
    }
}

/// <summary>The connection's own remote address, as it was before forwarded headers from a trusted proxy replaced it.</summary>
internal sealed record SocketPeerFeature(IPAddress? Address);
