using Microsoft.Extensions.Logging;

namespace Board.Tests.Web;

/// <summary>The app's own log events: message templates with the agreed field names, and no secrets.</summary>
public sealed class LoggingTests(BoardAppFactory factory) : IClassFixture<BoardAppFactory>
{
    private const string Password = "Very-secret-pass-9";

    [Fact]
    public async Task Login_writes_the_contract_record_with_the_email_in_scope_and_never_the_password()
    {
        var email = $"user-{Guid.NewGuid():N}@example.com";
        using var browser = new BrowserClient(factory);
        await browser.RegisterAsync(email, Password);
        await browser.LogOutAsync();
        using (var wrong = await browser.LogInAsync(email, "Wrong-password-1")) { }
        using (var right = await browser.LogInAsync(email, Password)) { }

        var records = factory.Logs.Records.ToList();
        var login = Assert.Single(records, r => r.Template == "User {user.email} logged in" && Equals(r.Fields["user.email"], email));
        Assert.Equal(LogLevel.Information, login.Level);
        Assert.Contains(login.Scopes, s => s is IEnumerable<KeyValuePair<string, object?>> pairs && pairs.Any(p => p.Key == "user.email" && Equals(p.Value, email)));

        var failed = Assert.Single(records, r => r.Template == "Login failed for {user.email}" && Equals(r.Fields["user.email"], email));
        Assert.Equal(LogLevel.Warning, failed.Level);
        Assert.Single(records, r => r.Template == "User {user.email} registered" && Equals(r.Fields["user.email"], email));

        Assert.DoesNotContain(records, r => r.Message.Contains(Password, StringComparison.Ordinal)
            || r.Fields.Values.Any(v => v?.ToString()?.Contains(Password, StringComparison.Ordinal) == true));
    }

    [Fact]
    public async Task The_login_record_carries_the_request_context_and_the_scope_field_through_the_pipeline()
    {
        var email = $"user-{Guid.NewGuid():N}@example.com";
        using var browser = new BrowserClient(factory);
        await browser.RegisterAsync(email, Password);
        await browser.LogOutAsync();
        using (var right = await browser.LogInAsync(email, Password)) { }
        factory.FlushLogs();

        // As every sink receives it: after enrichment (the factory's environment is Development: the email is plain).
        Microsoft.Extensions.Logging.LogLevel level;
        Dictionary<string, object?> fields;
        string? traceId;
        lock (factory.Exported)
        {
            var login = Assert.Single(factory.Exported, r => r.FormattedMessage == $"User {email} logged in");
            level = login.LogLevel;
            fields = login.Attributes!.ToDictionary(a => a.Key, a => a.Value);
            traceId = login.TraceId.ToHexString();
        }

        Assert.Equal(LogLevel.Information, level);
        Assert.Equal(email, fields["user.email"]);
        Assert.Equal("POST", fields["http.request.method"]);
        Assert.Equal("/Account/Login", fields["url.path"]);
        Assert.Equal("/Account/Login", fields["http.route"]);
        Assert.NotNull(fields["client.address"]);
        Assert.NotNull(fields["request.id"]);
        lock (factory.Exported)
        {
            var end = Assert.Single(factory.Exported, r => r.EventId.Name == "RequestCompleted" && r.TraceId.ToHexString() == traceId);
            Assert.Equal(302, end.Attributes!.Single(a => a.Key == "http.response.status_code").Value);
        }
    }

    [Fact]
    public async Task Board_and_post_events_carry_their_ids_as_fields()
    {
        using var browser = new BrowserClient(factory);
        await browser.RegisterAsync($"user-{Guid.NewGuid():N}@example.com", Password);
        using (var create = await browser.SubmitFormAsync("/Boards/Create", new Dictionary<string, string> { ["Input.Name"] = "Logged board" })) { }
        var slug = factory.WithDatabase(db => db.Boards.Where(b => b.Name == "Logged board").Select(b => b.Slug).First());
        using (var post = await browser.WritePostAsync(slug, "Logged post")) { }
        var postId = factory.WithDatabase(db => db.Posts.Single(p => p.Text == "Logged post").Id);
        using (var delete = await browser.SubmitFormAsync($"/b/{slug}", new Dictionary<string, string>(), $"/posts/{postId}/delete")) { }

        var records = factory.Logs.Records.ToList();
        Assert.Single(records, r => r.Template == "Board {board.slug} created" && Equals(r.Fields["board.slug"], slug) && HasScopeField(r, "board.id"));
        Assert.Single(records, r => r.Template == "Post {post.id} created on board {board.slug}" && Equals(r.Fields["post.id"], postId) && HasScopeField(r, "board.id"));
        Assert.Single(records, r => r.Template == "Post {post.id} deleted from board {board.slug}" && Equals(r.Fields["post.id"], postId) && HasScopeField(r, "board.id"));
    }

    private static bool HasScopeField(CapturedLog record, string name) =>
        record.Scopes.Any(s => s is IEnumerable<KeyValuePair<string, object?>> pairs && pairs.Any(p => p.Key == name && p.Value is not null));
}
