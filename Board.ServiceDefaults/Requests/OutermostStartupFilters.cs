using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Board.ServiceDefaults.Requests;

/// <summary>
/// Puts Board's startup filters, in the order added, in front of those registered before <c>AddServiceDefaults()</c>:
/// behind the host's own host filtering, a request it answers 400 would leave no START or END entry.
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
