using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Board.ServiceDefaults.Requests;

internal static class RequestLoggingSetup
{
    public static void Add(IHostApplicationBuilder builder, RequestLoggingOptions options, TrustedProxyOptions proxies)
    {
        if (!options.Enabled)
        {
            return;
        }

        builder.Services.AddSingleton(sp => new RequestLoggingSettings(
            options,
            TrustedProxies.Create(proxies, sp.GetRequiredService<ILoggerFactory>())));
        builder.Services.AddSingleton<IStartupFilter, RequestLoggingStartupFilter>();
    }
}
