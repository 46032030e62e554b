using Board.ServiceDefaults.Requests;
using Board.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Board.Tests.Requests;

public sealed class PipelinePositionTests
{
    [Fact]
    public async Task A_request_the_hosts_host_filtering_turns_away_still_has_its_start_and_end_entries()
    {
        var (status, records) = await RequestForHostAsync("elsewhere.example");

        Assert.Equal(StatusCodes.Status400BadRequest, status);
        var start = Assert.Single(records, r => r.EventName == "RequestStarted");
        Assert.Equal("elsewhere.example", start["server.address"]);
        var end = Assert.Single(records, r => r.EventName == "RequestCompleted");
        Assert.Equal(400L, Convert.ToInt64(end["http.response.status_code"]));
        Assert.Equal(LogLevel.Warning, end.Level);
    }

    [Fact]
    public async Task A_request_for_an_allowed_host_is_served_as_before()
    {
        var (status, records) = await RequestForHostAsync("board.example");

        Assert.Equal(StatusCodes.Status200OK, status);
        var end = Assert.Single(records, r => r.EventName == "RequestCompleted");
        Assert.Equal("/who", end["http.route"]);
    }

    [Fact]
    public void Board_filters_go_in_front_of_those_registered_before_them_and_keep_their_own_order()
    {
        IServiceCollection services = new ServiceCollection();
        services.AddSingleton("unrelated");
        var configured = new List<string>();
        services.AddSingleton<IStartupFilter>(new NamedFilter("host", configured));
        var outermost = new OutermostStartupFilters(services);

        outermost.Add(_ => configured.Add("proxies"));

        // Registrations in between move the indexes: one before the filters goes, one after is added.
        services.RemoveAt(0);
        services.AddSingleton(new object());
        outermost.Add(_ => configured.Add("logging"));

        // As the host applies them: the first filter's Configure runs first.
        var provider = services.BuildServiceProvider();
        Action<IApplicationBuilder> configure = _ => { };
        foreach (var filter in provider.GetServices<IStartupFilter>().Reverse())
        {
            configure = filter.Configure(configure);
        }

        configure(new ApplicationBuilder(provider));
        Assert.Equal(["proxies", "logging", "host"], configured);
    }

    [Fact]
    public void Board_filters_are_added_at_the_end_when_no_filter_is_registered_yet()
    {
        var services = new ServiceCollection();
        services.AddSingleton("unrelated");
        var outermost = new OutermostStartupFilters(services);

        outermost.Add(_ => { });

        Assert.Equal(typeof(IStartupFilter), services[^1].ServiceType);
    }

    // GET /who with the given Host header, on an app that serves only board.example.
    private static async Task<(int Status, IReadOnlyList<ExportedRecord> Records)> RequestForHostAsync(string host)
    {
        await using var app = await TestWebApp.StartAsync(
            a => a.MapGet("/who", () => "me"),
            settings: new Dictionary<string, string?> { ["AllowedHosts"] = "board.example" });

        var context = await app.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = "/who";
            c.Request.Host = new HostString(host);
        });
        return (context.Response.StatusCode, app.Records());
    }

    private sealed class NamedFilter(string name, List<string> configured) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            configured.Add(name);
            next(app);
        };
    }
}
