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

    public void Add(ServiceDescriptor filter)
    {
        // Found afresh each time: registrations made in between may have moved every index.
        var index = _last is null ? services.TakeWhile(d => d.ServiceType != typeof(IStartupFilter)).Count() : services.IndexOf(_last) + 1;
        services.Insert(index, filter);
        _last = filter;
    }
}
