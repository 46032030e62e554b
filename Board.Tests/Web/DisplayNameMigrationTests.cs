using Board.Web.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Board.Tests.Web;

/// <summary>
/// A database made before display names existed: the app's start-up migration names every account without looking at
/// its email, each name unique and valid, and the board shows those names on the accounts' posts.
/// </summary>
public sealed class DisplayNameMigrationTests : IAsyncLifetime
{
    private const string SchemaBeforeDisplayNames = "20261124030908_Initial";

    private readonly BoardAppFactory _factory = new();

    // Two ids share their first 8 hex digits, and one is upper-case, as an id written by another tool could be.
    private readonly (string Id, string Email)[] _users =
    [
        ("0a1b2c3d-1111-4111-8111-111111111111", $"canaryone{Guid.NewGuid():N}@example.com"),
        ("0a1b2c3d-2222-4222-8222-222222222222", $"canarytwo{Guid.NewGuid():N}@example.com"),
        ("FEDCBA98-3333-4333-8333-333333333333", $"canarythree{Guid.NewGuid():N}@example.com"),
        (Guid.NewGuid().ToString(), $"member-{Guid.NewGuid():N}@example.com"),
    ];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Existing_accounts_get_unique_names_from_their_ids_and_their_posts_show_them()
    {
        CreateDatabaseBeforeDisplayNames();

        using var browser = new BrowserClient(_factory); // starts the app, which migrates the database
        var names = _factory.WithDatabase(db => db.Users.AsNoTracking().ToDictionary(u => u.Id, u => (u.DisplayName, u.NormalizedDisplayName)));

        Assert.Equal(_users.Length, names.Count);
        Assert.Equal(names.Count, names.Values.Select(n => n.NormalizedDisplayName).Distinct().Count());
        foreach (var (id, email) in _users)
        {
            var (displayName, normalized) = names[id];
            var hex = id.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();
            // The two ids that share 8 hex digits need 25 to tell them apart.
            var expected = "member-" + (id.StartsWith("0a1b2c3d", StringComparison.Ordinal) ? hex[..25] : hex[..8]);
            Assert.Equal(expected, displayName);
            Assert.Null(DisplayNames.Problem(displayName));
            Assert.Equal(DisplayNames.Normalize(displayName), normalized);
            Assert.DoesNotContain(email.Split('@')[0], displayName, StringComparison.OrdinalIgnoreCase);
        }

        var page = await browser.GetPageAsync("/b/migrated");
        foreach (var (id, email) in _users)
        {
            Assert.Contains($"Post by {id}", page, StringComparison.Ordinal);
            Assert.Contains(names[id].DisplayName, page, StringComparison.Ordinal);
            Assert.DoesNotContain(email.Split('@')[0], page, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task A_new_user_cannot_take_a_migrated_accounts_name_in_another_case()
    {
        CreateDatabaseBeforeDisplayNames();
        using var browser = new BrowserClient(_factory);
        var taken = _factory.WithDatabase(db => db.Users.Single(u => u.Id == _users[2].Id).DisplayName);

        using var response = await browser.SubmitFormAsync("/Account/Register", new Dictionary<string, string>
        {
            ["Input.Email"] = $"user-{Guid.NewGuid():N}@example.com",
            ["Input.DisplayName"] = taken.ToUpperInvariant(),
            ["Input.Password"] = "Correct-horse-1",
            ["Input.ConfirmPassword"] = "Correct-horse-1",
        });

        Assert.Equal(System.Net.HttpStatusCode.UnprocessableContent, response.StatusCode);
        Assert.Contains("That display name is taken.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>The factory's database file at the schema before display names, holding users, a board and posts.</summary>
    private void CreateDatabaseBeforeDisplayNames()
    {
        Directory.CreateDirectory(_factory.DirectoryPath);
        var options = new DbContextOptionsBuilder<BoardDbContext>().UseSqlite($"Data Source={_factory.DatabasePath}").Options;
        using (var db = new BoardDbContext(options))
        {
            db.Database.GetService<IMigrator>().Migrate(SchemaBeforeDisplayNames);
            Assert.Equal(SchemaBeforeDisplayNames, db.Database.GetAppliedMigrations().Last());

            db.Database.ExecuteSql($"""
                INSERT INTO "Boards" ("Name", "Slug", "CreatedUtc") VALUES ('Migrated', 'migrated', '2026-01-01 00:00:00')
                """);
            foreach (var (id, email) in _users)
            {
                var normalized = email.ToUpperInvariant();
                var text = $"Post by {id}";
                db.Database.ExecuteSql($"""
                    INSERT INTO "AspNetUsers" ("Id", "UserName", "NormalizedUserName", "Email", "NormalizedEmail", "EmailConfirmed",
                        "SecurityStamp", "PhoneNumberConfirmed", "TwoFactorEnabled", "LockoutEnabled", "AccessFailedCount")
                    VALUES ({id}, {email}, {normalized}, {email}, {normalized}, 0, {Guid.NewGuid().ToString()}, 0, 0, 1, 0)
                    """);
                db.Database.ExecuteSql($"""
                    INSERT INTO "Posts" ("BoardId", "Text", "AuthorId", "CreatedUtc")
                    VALUES ((SELECT "Id" FROM "Boards" WHERE "Slug" = 'migrated'), {text}, {id}, '2026-01-02 00:00:00')
                    """);
            }
        }

        // The app opens the file next; a pooled connection from here must not hold it.
        SqliteConnection.ClearAllPools();
    }
}
