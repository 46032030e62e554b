using System.Data.Common;
using System.Net;
using Board.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Board.Tests.Web;

public sealed class SlugGeneratorTests : IAsyncLifetime
{
    private readonly BoardQueryCounter _boardQueries = new();
    private readonly BoardAppFactory _factory;

    public SlugGeneratorTests()
    {
        _factory = new BoardAppFactory
        {
            TestServices = services => services.ConfigureDbContext<BoardDbContext>(options => options.AddInterceptors(_boardQueries)),
        };
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Theory]
    [InlineData("Garden Club", "garden-club")]
    [InlineData("  Café  au   lait! ", "cafe-au-lait")]
    [InlineData("Ünïcödé 2025", "unicode-2025")]
    [InlineData("日本語", "board")]
    [InlineData("\uff23\uff41\uff46\u00e9 Club", "cafe-club")] // full-width Ｃａｆé
    [InlineData("\U0001D402\U0001D41A\U0001D41F\u00e9", "cafe")] // mathematical bold 𝐂𝐚𝐟é
    [InlineData("\ufb01sh", "fish")] // the ligature ﬁ
    [InlineData("\U00020000\U00020001", "board")] // letters outside the BMP without a Latin form
    [InlineData("!!!", "board")]
    public void A_name_becomes_lower_case_ascii_words_joined_by_dashes(string name, string slug) =>
        Assert.Equal(slug, SlugGenerator.FromName(name));

    [Fact]
    public void A_long_name_is_cut_without_a_trailing_dash()
    {
        var slug = SlugGenerator.FromName(new string('a', 79) + " b" + new string('c', 40));

        Assert.Equal(new string('a', 79), slug);
    }

    [Theory]
    [InlineData(new string[0], "garden")]
    [InlineData(new[] { "garden" }, "garden-2")]
    [InlineData(new[] { "garden", "garden-2", "garden-3" }, "garden-4")]
    [InlineData(new[] { "garden", "garden-3" }, "garden-2")]
    [InlineData(new[] { "garden-2", "garden-party", "gardens" }, "garden")]
    public void The_first_free_of_base_base_2_base_3_is_chosen(string[] taken, string expected) =>
        Assert.Equal(expected, SlugGenerator.MakeUnique("garden", taken));

    [Fact]
    public async Task A_new_board_named_like_many_others_gets_the_next_suffix_from_one_query()
    {
        var name = $"Popular {Guid.NewGuid():N}";
        var baseSlug = SlugGenerator.FromName(name);
        _factory.WithDatabase(db =>
        {
            db.Boards.Add(new Board.Web.Data.Board { Name = name, Slug = baseSlug, CreatedUtc = DateTime.UtcNow });
            for (var n = 2; n <= 6; n++)
            {
                db.Boards.Add(new Board.Web.Data.Board { Name = name, Slug = $"{baseSlug}-{n}", CreatedUtc = DateTime.UtcNow });
            }

            // Starts like a suffixed slug but is not one: it must not stop "-7" being chosen.
            db.Boards.Add(new Board.Web.Data.Board { Name = name, Slug = $"{baseSlug}-party", CreatedUtc = DateTime.UtcNow });
            return db.SaveChanges();
        });
        using var browser = new BrowserClient(_factory);
        await browser.RegisterAsync($"user-{Guid.NewGuid():N}@example.com", "Correct-horse-1");
        var token = BrowserClient.ExtractAntiforgeryToken(await browser.GetPageAsync("/Boards/Create"));

        _boardQueries.Reset();
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["Input.Name"] = name,
        });
        using var response = await browser.Http.PostAsync("/Boards/Create", content);

        Assert.Equal($"/b/{baseSlug}-7", BrowserClient.RedirectTarget(response));
        Assert.Equal(1, _boardQueries.Count);
    }

    /// <summary>Counts the queries that read the Boards table.</summary>
    private sealed class BoardQueryCounter : DbCommandInterceptor
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void Reset() => Interlocked.Exchange(ref _count, 0);

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            Observe(command);
            return result;
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Observe(command);
            return ValueTask.FromResult(result);
        }

        public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
        {
            Observe(command);
            return result;
        }

        public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
        {
            Observe(command);
            return ValueTask.FromResult(result);
        }

        private void Observe(DbCommand command)
        {
            if (command.CommandText.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase)
                && command.CommandText.Contains("FROM \"Boards\"", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _count);
            }
        }
    }
}
