using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Board.ServiceDefaults.Requests;

/// <summary>
/// Puts the request logging in front of everything the application and the host add (see
/// <see cref="OutermostStartupFilters"/>), so that no application can forget it or place it after a middleware whose
/// time, failures or rejections it would then miss.
/// </summary>
internal sealed class RequestLoggingStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<RequestLoggingMiddleware>();
        next(app);
    };
}
