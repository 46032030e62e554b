using System.Data.Common;
using System.Net;
using System.Text.RegularExpressions;
using Board.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Board.Tests.Web;

/// <summary>
/// The same form submitted twice at once: the submit that loses the race finds the work already done and is told so
/// with a 4xx, never a 500. The race is staged, not timed: the other submit's write is made just before this one's.
/// </summary>
public sealed class DoubleSubmitTests : IAsyncLifetime
{
    private const string Password = "Correct-horse-1";

    private readonly RaceInterceptor _race = new();
    private readonly BoardAppFactory _factory;

    public DoubleSubmitTests()
    {
        _factory = new BoardAppFactory
        {
            TestServices = services => services.ConfigureDbContext<BoardDbContext>(options => options.AddInterceptors(_race)),
        };
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task A_delete_whose_post_another_submit_deleted_first_is_404()
    {
        using var browser = new BrowserClient(_factory);
        await browser.RegisterAsync(NewEmail(), Password);
        var text = $"Deleted twice {Guid.NewGuid():N}";
        using (var written = await browser.WritePostAsync(DatabaseInitializer.WelcomeSlug, text))
        {
            Assert.Equal(HttpStatusCode.Redirect, written.StatusCode);
        }

        var postId = _factory.WithDatabase(db => db.Posts.Single(p => p.Text == text).Id);
        var token = BrowserClient.ExtractAntiforgeryToken(await browser.GetPageAsync("/b/welcome"));
        // The other submit wins: it deletes the post after this one has found it and before this one deletes it.
        _race.BeforeNext("DELETE FROM \"Posts\"", () =>
        {
            _factory.WithDatabase(db => db.Posts.Where(p => p.Id == postId).ExecuteDelete());
            return Task.CompletedTask;
        });

        using var content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token });
        using var response = await browser.Http.PostAsync($"/posts/{postId}/delete", content);

        Assert.True(_race.Staged, "the delete never reached the database");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("<h1>Not found</h1>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(_factory.Logs.Records, r => r.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task A_registration_whose_email_another_submit_registered_first_says_it_is_taken()
    {
        var email = NewEmail();
        using var browser = new BrowserClient(_factory);
        var token = BrowserClient.ExtractAntiforgeryToken(await browser.GetPageAsync("/Account/Register"));
        // The other submit wins: it stores the same user after this one's duplicate check and before its insert.
        _race.BeforeNext("INSERT INTO \"AspNetUsers\"", async () =>
        {
            using var scope = _factory.Services.CreateScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<BoardUser>>();
            var user = new BoardUser { UserName = email, Email = email, DisplayName = BrowserClient.NewDisplayName() };
            Assert.True((await users.CreateAsync(user, Password)).Succeeded);
        });

        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["Input.Email"] = email,
            ["Input.DisplayName"] = BrowserClient.NewDisplayName(),
            ["Input.Password"] = Password,
            ["Input.ConfirmPassword"] = Password,
        });
        using var response = await browser.Http.PostAsync("/Account/Register", content);

        Assert.True(_race.Staged, "the registration never reached the database");
        Assert.Equal(HttpStatusCode.UnprocessableContent, response.StatusCode);
        Assert.Matches($"""data-valmsg-for="Input.Email"[^>]*>Email &#x27;{Regex.Escape(email)}&#x27; is already taken.</span>""", await response.Content.ReadAsStringAsync());
        Assert.Equal(1, _factory.WithDatabase(db => db.Users.Count(u => u.Email == email)));
        // EF Core still logs the refused insert as an error of its own; the request itself ends as a refused form.
        Assert.Contains(_factory.Logs.Records, r => r.Category == "Board.Requests" && r.Level == LogLevel.Warning
            && r.Message.StartsWith("POST /Account/Register completed with status 422", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_registration_whose_display_name_another_submit_took_first_says_it_is_taken()
    {
        var email = NewEmail();
        var displayName = BrowserClient.NewDisplayName();
        using var browser = new BrowserClient(_factory);
        var token = BrowserClient.ExtractAntiforgeryToken(await browser.GetPageAsync("/Account/Register"));
        // The other submit wins: another email, the same name in other letters' case, stored after this one's check.
        _race.BeforeNext("INSERT INTO \"AspNetUsers\"", async () =>
        {
            using var scope = _factory.Services.CreateScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<BoardUser>>();
            var other = new BoardUser { UserName = NewEmail(), Email = NewEmail(), DisplayName = displayName.ToUpperInvariant() };
            Assert.True((await users.CreateAsync(other, Password)).Succeeded);
        });

        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["Input.Email"] = email,
            ["Input.DisplayName"] = displayName,
            ["Input.Password"] = Password,
            ["Input.ConfirmPassword"] = Password,
        });
        using var response = await browser.Http.PostAsync("/Account/Register", content);

        Assert.True(_race.Staged, "the registration never reached the database");
        Assert.Equal(HttpStatusCode.UnprocessableContent, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Matches("""data-valmsg-for="Input.DisplayName"[^>]*>That display name is taken.</span>""", html);
        Assert.DoesNotMatch("""data-valmsg-for="Input.Email"[^>]*>[^<]""", html);
        Assert.Equal(0, _factory.WithDatabase(db => db.Users.Count(u => u.Email == email)));
    }

    [Fact]
    public async Task A_board_whose_slug_another_submit_took_first_is_409_with_a_reason()
    {
        using var browser = new BrowserClient(_factory);
        await browser.RegisterAsync(NewEmail(), Password);
        var name = $"Raced {Guid.NewGuid():N}";
        var slug = SlugGenerator.FromName(name);
        var token = BrowserClient.ExtractAntiforgeryToken(await browser.GetPageAsync("/Boards/Create"));
        // The other submit wins: it stores a board with the same slug after this one chose it and before its insert.
        _race.BeforeNext("INSERT INTO \"Boards\"", () =>
        {
            _factory.WithDatabase(db =>
            {
                db.Boards.Add(new Board.Web.Data.Board { Name = name, Slug = slug, CreatedUtc = DateTime.UtcNow });
                return db.SaveChanges();
            });
            return Task.CompletedTask;
        });

        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["Input.Name"] = name,
        });
        using var response = await browser.Http.PostAsync("/Boards/Create", content);

        Assert.True(_race.Staged, "the board was never inserted");
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("A board with this name was created just now. Please try again.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, _factory.WithDatabase(db => db.Boards.Count(b => b.Slug == slug)));
        Assert.Contains(_factory.Logs.Records, r => r.Category == "Board.Requests" && r.Level == LogLevel.Warning
            && r.Message.StartsWith("POST /Boards/Create completed with status 409", StringComparison.Ordinal));
    }

    private static string NewEmail() => $"user-{Guid.NewGuid():N}@example.com";

    /// <summary>Runs another submit's write once, just before the next command that starts with a given text.</summary>
    private sealed class RaceInterceptor : DbCommandInterceptor
    {
        private readonly Lock _lock = new();
        private (string CommandStart, Func<Task> Write)? _pending;

        public bool Staged { get; private set; }

        public void BeforeNext(string commandStart, Func<Task> write)
        {
            lock (_lock)
            {
                _pending = (commandStart, write);
                Staged = false;
            }
        }

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            StageAsync(command).GetAwaiter().GetResult();
            return result;
        }

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            await StageAsync(command);
            return result;
        }

        public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
        {
            StageAsync(command).GetAwaiter().GetResult();
            return result;
        }

        public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            await StageAsync(command);
            return result;
        }

        private Task StageAsync(DbCommand command)
        {
            Func<Task>? write = null;
            lock (_lock)
            {
                // Taken before it runs: the other submit's own commands pass through here too.
                if (_pending is { } pending && command.CommandText.TrimStart().StartsWith(pending.CommandStart, StringComparison.Ordinal))
                {
                    write = pending.Write;
                    _pending = null;
                    Staged = true;
                }
            }

            return write?.Invoke() ?? Task.CompletedTask;
        }
    }
}
