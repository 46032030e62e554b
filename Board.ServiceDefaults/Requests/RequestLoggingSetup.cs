using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Board.ServiceDefaults.Requests;

internal static class RequestLoggingSetup
{
    public static void Add(IHostApplicationBuilder builder, RequestLoggingOptions options, TrustedProxyOptions proxies, OutermostStartupFilters startupFilters)
    {
        if (!options.Enabled)
        {
            return;
        }

        builder.Services.AddSingleton(new RequestLoggingSettings(options, TrustedProxies.IsConfigured(proxies)));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IDeveloperPageExceptionFilter, DeveloperPageExceptionCapture>());
        builder.Services.AddExceptionHandler<ClientFaultExceptionHandler>();
        startupFilters.Add(ServiceDescriptor.Singleton<IStartupFilter, RequestLoggingStartupFilter>());
    }
}
