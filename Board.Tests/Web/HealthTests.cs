using System.Net;
using Microsoft.Data.Sqlite;

namespace Board.Tests.Web;

public sealed class HealthTests(BoardAppFactory factory) : IClassFixture<BoardAppFactory>
{
    [Theory]
    [InlineData("/health")]
    [InlineData("/alive")]
    public async Task Health_endpoints_answer_ok(string path)
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_missing_database_makes_health_fail_while_alive_stays_ok()
    {
        // Its own app: breaking the database must not disturb the other tests in this class.
        await using var broken = new BoardAppFactory();
        using var client = broken.CreateClient();
        using (var before = await client.GetAsync("/health"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        SqliteConnection.ClearAllPools();
        File.Delete(broken.DatabasePath);

        using var health = await client.GetAsync("/health");
        using var alive = await client.GetAsync("/alive");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal("Unhealthy", await health.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }
}
