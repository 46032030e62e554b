using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Board.ServiceDefaults.Requests;

/// <summary>
/// Puts Board's startup filters (the trusted forwarded headers, then the request logging) in front of every startup
/// filter registered before <c>AddServiceDefaults()</c>, the host's own among them. The host's host filtering answers
/// 400 to a request for a host it does not serve; behind it, that request would leave no START or END entry.
/// Board's filters keep the order they are added in.
/// </summary>
internal sealed class OutermostStartupFilters(IServiceCollection services)
{
    private ServiceDescriptor? _last;

    /// <summary>Adds a startup filter that puts in the middleware <paramref name="use"/> adds.</summary>
    public void Add(Action<IApplicationBuilder> use)
    {
        var filter = ServiceDescriptor.Singleton<IStartupFilter>(new StartupFilter(use));
        // Found afresh each time: registrations made in between may have moved every index.
        var index = _last is null ? services.TakeWhile(d => d.ServiceType != typeof(IStartupFilter)).Count() : services.IndexOf(_last) + 1;
        services.Insert(index, filter);
        _last = filter;
    }

    private sealed class StartupFilter(Action<IApplicationBuilder> use) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            use(app);
            next(app);
        };
    }
}
