using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Board.ServiceDefaults.Requests;

internal static class RequestLoggingSetup
{
    public static void Add(IHostApplicationBuilder builder, RequestLoggingOptions options, OutermostStartupFilters startupFilters)
    {
        if (!options.Enabled)
        {
            return;
        }

        builder.Services.AddSingleton(sp => new RequestLoggingSettings(options, sp.GetRequiredService<QueryStringRedactor>()));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IDeveloperPageExceptionFilter, DeveloperPageExceptionCapture>());
        builder.Services.AddExceptionHandler<ClientFaultExceptionHandler>();
        // In front of everything the application and the host add, so that no application can forget it or place it
        // after a middleware whose time, failures or rejections it would then miss.
        startupFilters.Add(static app => app.UseMiddleware<RequestLoggingMiddleware>());
    }
}
