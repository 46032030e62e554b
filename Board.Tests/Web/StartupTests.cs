using System.Net;

namespace Board.Tests.Web;

public sealed class StartupTests
{
    [Fact]
    public void A_database_path_that_cannot_be_written_fails_start_up_naming_the_path()
    {
        var root = Path.Combine(Path.GetTempPath(), "board-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        try
        {
            // A regular file where the database's directory should be: no directory can be created there,
            // whatever the permissions of the user running the tests.
            var blocker = Path.Combine(root, "not-a-directory");
            File.WriteAllText(blocker, "");
            var databasePath = Path.Combine(blocker, "board.db");
            using var factory = new BoardAppFactory { ConnectionString = $"Data Source={databasePath}" };

            var thrown = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

            var failure = Flatten(thrown).OfType<InvalidOperationException>().FirstOrDefault(e => e.Message.Contains(databasePath, StringComparison.Ordinal));
            Assert.True(failure is not null, $"No InvalidOperationException naming {databasePath} in: {thrown}");
            Assert.Contains("ConnectionStrings:Board", failure.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task A_fresh_database_is_migrated_and_seeded_once_across_restarts()
    {
        var root = Path.Combine(Path.GetTempPath(), "board-tests-" + Guid.NewGuid().ToString("N"));
        var connectionString = $"Data Source={Path.Combine(root, "nested", "board.db")}";
        try
        {
            for (var start = 0; start < 2; start++)
            {
                await using var factory = new BoardAppFactory { ConnectionString = connectionString };
                using var client = factory.CreateClient();
                using var response = await client.GetAsync("/b/welcome");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(1, factory.WithDatabase(db => db.Boards.Count(b => b.Slug == "welcome")));
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task The_failure_endpoint_exists_only_when_configured()
    {
        await using var plain = new BoardAppFactory();
        await using var failing = new BoardAppFactory
        {
            Settings = new Dictionary<string, string?> { ["Testing:FailureEndpoint"] = "true" },
        };

        using var plainResponse = await plain.CreateClient().GetAsync("/test/fail");
        using var failingResponse = await failing.CreateClient().GetAsync("/test/fail");

        Assert.Equal(HttpStatusCode.NotFound, plainResponse.StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, failingResponse.StatusCode);
    }

    [Fact]
    public async Task Production_shows_the_error_page_for_an_unhandled_exception()
    {
        await using var factory = new BoardAppFactory
        {
            EnvironmentName = "Production",
            Settings = new Dictionary<string, string?> { ["Testing:FailureEndpoint"] = "true" },
        };
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/test/fail");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Something went wrong", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Test failure endpoint", html, StringComparison.Ordinal);
    }

    private static IEnumerable<Exception> Flatten(Exception exception)
    {
        yield return exception;
        var inner = exception is AggregateException aggregate ? aggregate.InnerExceptions : (IEnumerable<Exception>)(exception.InnerException is null ? [] : [exception.InnerException]);
        foreach (var child in inner.SelectMany(Flatten))
        {
            yield return child;
        }
    }
}
