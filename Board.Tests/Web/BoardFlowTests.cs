using System.Net;
using System.Text.RegularExpressions;
using Board.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Board.Tests.Web;

public sealed class BoardFlowTests(BoardAppFactory factory) : IClassFixture<BoardAppFactory>
{
    private const string Password = "Correct-horse-1";

    [Fact]
    public async Task Register_log_in_create_a_board_and_post_shows_the_post_on_the_board()
    {
        var email = NewEmail();
        using var browser = new BrowserClient(factory);
        await browser.RegisterAsync(email, Password);
        await browser.LogOutAsync();
        using (var login = await browser.LogInAsync(email, Password))
        {
            Assert.Equal("/", BrowserClient.RedirectTarget(login));
        }

        string boardPath;
        using (var create = await browser.SubmitFormAsync("/Boards/Create", new Dictionary<string, string>
        {
            ["Input.Name"] = "Garden Club",
            ["Input.Description"] = "Seeds and weeds",
        }))
        {
            boardPath = BrowserClient.RedirectTarget(create);
        }

        Assert.StartsWith("/b/garden-club", boardPath, StringComparison.Ordinal);
        var slug = boardPath["/b/".Length..];

        using (var post = await browser.WritePostAsync(slug, "Tomatoes are early this year.", title: "First harvest"))
        {
            Assert.Equal(boardPath, BrowserClient.RedirectTarget(post));
        }

        var page = await browser.GetPageAsync(boardPath);
        Assert.Contains("Garden Club", page, StringComparison.Ordinal);
        Assert.Contains("First harvest", page, StringComparison.Ordinal);
        Assert.Contains("Tomatoes are early this year.", page, StringComparison.Ordinal);
        Assert.Contains("Garden Club", await browser.GetPageAsync("/"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Anonymous_user_who_posts_is_sent_to_log_in_and_nothing_is_stored()
    {
        using var browser = new BrowserClient(factory);
        var before = CountPosts();

        // The board shows anonymous users no form, so the token comes from another page: the POST must be refused anyway.
        using var response = await browser.SubmitFormAsync(
            "/Account/Login", new Dictionary<string, string> { ["Input.Text"] = "Sneaky" }, postUrl: "/b/welcome");

        Assert.Equal("/Account/Login?ReturnUrl=%2Fb%2Fwelcome", BrowserClient.RedirectTarget(response));
        Assert.Equal(before, CountPosts());
    }

    [Fact]
    public async Task Anonymous_user_who_creates_a_board_is_sent_to_log_in()
    {
        using var browser = new BrowserClient(factory);

        using var response = await browser.Http.GetAsync("/Boards/Create");

        Assert.Equal("/Account/Login?ReturnUrl=%2FBoards%2FCreate", BrowserClient.RedirectTarget(response));
    }

    [Fact]
    public async Task A_user_cannot_delete_someone_elses_post_but_the_author_can()
    {
        using var alice = new BrowserClient(factory);
        await alice.RegisterAsync(NewEmail(), Password);
        var text = $"Alice's post {Guid.NewGuid():N}";
        using (var written = await alice.WritePostAsync(DatabaseInitializer.WelcomeSlug, text))
        {
            Assert.Equal(HttpStatusCode.Redirect, written.StatusCode);
        }

        var postId = factory.WithDatabase(db => db.Posts.Single(p => p.Text == text).Id);

        using var bob = new BrowserClient(factory);
        await bob.RegisterAsync(NewEmail(), Password);
        using (var refused = await bob.SubmitFormAsync("/b/welcome", new Dictionary<string, string>(), $"/posts/{postId}/delete"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        Assert.True(factory.WithDatabase(db => db.Posts.Any(p => p.Id == postId)));
        Assert.DoesNotContain($"/posts/{postId}/delete", await bob.GetPageAsync("/b/welcome"), StringComparison.Ordinal);

        using (var deleted = await alice.SubmitFormAsync("/b/welcome", new Dictionary<string, string>(), $"/posts/{postId}/delete"))
        {
            Assert.Equal("/b/welcome", BrowserClient.RedirectTarget(deleted));
        }

        Assert.False(factory.WithDatabase(db => db.Posts.Any(p => p.Id == postId)));
    }

    [Fact]
    public async Task Deleting_an_unknown_post_is_404()
    {
        using var browser = new BrowserClient(factory);
        await browser.RegisterAsync(NewEmail(), Password);

        using var response = await browser.SubmitFormAsync("/", new Dictionary<string, string>(), "/posts/987654/delete");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("<h1>Not found</h1>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    // The text is `length` times `fill`: empty, only spaces, or one character over the limit.
    [Theory]
    [InlineData('x', 0, "Write some text for your post.")]
    [InlineData(' ', 3, "Write some text for your post.")]
    [InlineData('x', Post.TextMaxLength + 1, "The text can be at most 4000 characters long.")]
    public async Task Invalid_post_text_shows_the_message_next_to_the_field_and_stores_nothing(char fill, int length, string message)
    {
        using var browser = new BrowserClient(factory);
        await browser.RegisterAsync(NewEmail(), Password);
        var before = CountPosts();

        using var response = await browser.WritePostAsync(DatabaseInitializer.WelcomeSlug, new string(fill, length));

        Assert.Equal(HttpStatusCode.UnprocessableContent, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Matches($"""<span class="field-error field-validation-error" data-valmsg-for="Input.Text"[^>]*>{Regex.Escape(message)}</span>""", html);
        Assert.Equal(before, CountPosts());
    }

    [Fact]
    public async Task Over_long_title_is_refused()
    {
        using var browser = new BrowserClient(factory);
        await browser.RegisterAsync(NewEmail(), Password);
        var before = CountPosts();

        using var response = await browser.WritePostAsync(DatabaseInitializer.WelcomeSlug, "fine", title: new string('t', Post.TitleMaxLength + 1));

        Assert.Equal(HttpStatusCode.UnprocessableContent, response.StatusCode);
        // The span is always on the page; the message inside it is what says the title was refused.
        Assert.Matches(
            $"""<span class="field-error field-validation-error" data-valmsg-for="Input.Title"[^>]*>The field Title must be a string with a maximum length of {Post.TitleMaxLength}.</span>""",
            await response.Content.ReadAsStringAsync());
        Assert.Equal(before, CountPosts());
    }

    [Fact]
    public async Task A_board_without_a_name_is_refused_with_the_message_and_nothing_is_stored()
    {
        using var browser = new BrowserClient(factory);
        await browser.RegisterAsync(NewEmail(), Password);
        var before = factory.WithDatabase(db => db.Boards.Count());

        using var response = await browser.SubmitFormAsync("/Boards/Create", new Dictionary<string, string> { ["Input.Name"] = "" });

        Assert.Equal(HttpStatusCode.UnprocessableContent, response.StatusCode);
        Assert.Matches("""<span class="field-error field-validation-error" data-valmsg-for="Input.Name"[^>]*>The Name field is required.</span>""", await response.Content.ReadAsStringAsync());
        Assert.Equal(before, factory.WithDatabase(db => db.Boards.Count()));
    }

    [Theory]
    [InlineData("\0")]
    [InlineData("\u001b[31m")]
    public async Task Post_text_with_a_control_character_is_refused_with_the_message_but_tabs_and_line_breaks_are_kept(string control)
    {
        using var browser = new BrowserClient(factory);
        await browser.RegisterAsync(NewEmail(), Password);
        var before = CountPosts();

        // Leading, so the database's length check (which stops counting at a NUL) would refuse it with an error.
        using (var refused = await browser.SubmitFormAsync(
            "/b/welcome", new Dictionary<string, string> { ["Input.Text"] = $"{control}after" }, multipart: true))
        {
            Assert.Equal(HttpStatusCode.UnprocessableContent, refused.StatusCode);
            Assert.Matches("""data-valmsg-for="Input.Text"[^>]*>The Text field cannot contain control characters.</span>""", await refused.Content.ReadAsStringAsync());
        }

        Assert.Equal(before, CountPosts());
        var multiline = $"line one\r\n\tline two {Guid.NewGuid():N}";
        using (var kept = await browser.SubmitFormAsync("/b/welcome", new Dictionary<string, string> { ["Input.Text"] = multiline }, multipart: true))
        {
            Assert.Equal(HttpStatusCode.Redirect, kept.StatusCode);
        }

        Assert.True(factory.WithDatabase(db => db.Posts.Any(p => p.Text == multiline)));
    }

    [Fact]
    public async Task A_NUL_in_a_url_encoded_form_is_400_with_the_reason_and_nothing_is_stored()
    {
        using var browser = new BrowserClient(factory);
        await browser.RegisterAsync(NewEmail(), Password);
        var before = CountPosts();

        // The browser's default encoding: the framework's form reader refuses a NUL before any validation runs.
        using var response = await browser.SubmitFormAsync("/b/welcome", new Dictionary<string, string> { ["Input.Text"] = "bad\0nul" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("The form could not be read", page, StringComparison.Ordinal);
        Assert.Equal(before, CountPosts());
    }

    [Fact]
    public async Task A_board_name_with_a_NUL_is_refused_with_the_message_and_nothing_is_stored()
    {
        using var browser = new BrowserClient(factory);
        await browser.RegisterAsync(NewEmail(), Password);
        var before = factory.WithDatabase(db => db.Boards.Count());

        using var response = await browser.SubmitFormAsync(
            "/Boards/Create", new Dictionary<string, string> { ["Input.Name"] = "\0board" }, multipart: true);

        Assert.Equal(HttpStatusCode.UnprocessableContent, response.StatusCode);
        Assert.Matches("""data-valmsg-for="Input.Name"[^>]*>The Name field cannot contain control characters.</span>""", await response.Content.ReadAsStringAsync());
        Assert.Equal(before, factory.WithDatabase(db => db.Boards.Count()));
    }

    [Fact]
    public void A_duplicate_slug_is_a_unique_violation_and_a_failed_check_is_not()
    {
        var slug = $"unique-{Guid.NewGuid():N}";
        factory.WithDatabase(db =>
        {
            db.Boards.Add(new Board.Web.Data.Board { Name = "First", Slug = slug, CreatedUtc = DateTime.UtcNow });
            return db.SaveChanges();
        });

        var duplicate = Assert.Throws<DbUpdateException>(() => factory.WithDatabase(db =>
        {
            db.Boards.Add(new Board.Web.Data.Board { Name = "Second", Slug = slug, CreatedUtc = DateTime.UtcNow });
            return db.SaveChanges();
        }));
        var overLong = Assert.Throws<DbUpdateException>(() => factory.WithDatabase(db =>
        {
            db.Boards.Add(new Board.Web.Data.Board { Name = new string('n', Board.Web.Data.Board.NameMaxLength + 1), Slug = slug + "-long", CreatedUtc = DateTime.UtcNow });
            return db.SaveChanges();
        }));

        Assert.True(duplicate.IsUniqueViolation(), duplicate.InnerException?.Message);
        Assert.False(overLong.IsUniqueViolation(), overLong.InnerException?.Message);
    }

    [Fact]
    public void The_database_itself_refuses_over_long_text()
    {
        var exception = Assert.Throws<DbUpdateException>(() => factory.WithDatabase(db =>
        {
            var board = db.Boards.Single(b => b.Slug == DatabaseInitializer.WelcomeSlug);
            var user = new BoardUser { UserName = NewEmail(), DisplayName = BrowserClient.NewDisplayName() };
            db.Users.Add(user);
            db.Posts.Add(new Post { BoardId = board.Id, AuthorId = user.Id, Text = new string('x', Post.TextMaxLength + 1), CreatedUtc = DateTime.UtcNow });
            return db.SaveChanges();
        }));

        Assert.Contains("CK_Posts_Text_Length", exception.InnerException?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_board_is_a_404_page()
    {
        using var browser = new BrowserClient(factory);

        using var response = await browser.Http.GetAsync("/b/no-such-board");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<h1>Not found</h1>", html, StringComparison.Ordinal);
        Assert.Contains("<nav>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Board_pages_hold_twenty_posts_newest_first()
    {
        var slug = SeedBoardWithPosts(25);
        using var browser = new BrowserClient(factory);

        var first = await browser.GetPageAsync($"/b/{slug}");
        var second = await browser.GetPageAsync($"/b/{slug}?p=2");

        var firstOrder = Enumerable.Range(6, 20).Reverse().Select(i => first.IndexOf($"[P-{i:D2}]", StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(-1, firstOrder);
        Assert.Equal(firstOrder.Order(), firstOrder);
        Assert.DoesNotContain("[P-05]", first, StringComparison.Ordinal);

        for (var i = 1; i <= 5; i++)
        {
            Assert.Contains($"[P-{i:D2}]", second, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("[P-06]", second, StringComparison.Ordinal);
        Assert.Contains("[P-25]", await browser.GetPageAsync($"/b/{slug}?p=abc"), StringComparison.Ordinal);
        using var beyond = await browser.Http.GetAsync($"/b/{slug}?p=3");
        Assert.Equal(HttpStatusCode.NotFound, beyond.StatusCode);
    }

    [Fact]
    public async Task The_pager_links_lead_to_the_older_posts_and_back()
    {
        var slug = SeedBoardWithPosts(25);
        using var browser = new BrowserClient(factory);

        var first = await browser.GetPageAsync($"/b/{slug}");
        var second = await browser.GetPageAsync(PagerLink(first, "Older"));

        Assert.Contains("Page 2 of 2", second, StringComparison.Ordinal);
        Assert.Contains("[P-01]", second, StringComparison.Ordinal);
        Assert.DoesNotContain("[P-25]", second, StringComparison.Ordinal);

        var back = await browser.GetPageAsync(PagerLink(second, "Newer"));
        Assert.Contains("Page 1 of 2", back, StringComparison.Ordinal);
        Assert.Contains("[P-25]", back, StringComparison.Ordinal);
    }

    private string SeedBoardWithPosts(int count)
    {
        var slug = $"paging-{Guid.NewGuid():N}";
        factory.WithDatabase(db =>
        {
            var user = new BoardUser { UserName = NewEmail(), DisplayName = BrowserClient.NewDisplayName() };
            db.Users.Add(user);
            var board = new Board.Web.Data.Board { Name = "Paging", Slug = slug, CreatedUtc = DateTime.UtcNow };
            db.Boards.Add(board);
            var start = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            for (var i = 1; i <= count; i++)
            {
                db.Posts.Add(new Post { Board = board, AuthorId = user.Id, Text = $"[P-{i:D2}]", CreatedUtc = start.AddMinutes(i) });
            }

            return db.SaveChanges();
        });
        return slug;
    }

    /// <summary>The address of the pager link whose text contains <paramref name="label"/>, as a browser would read it.</summary>
    private static string PagerLink(string html, string label)
    {
        var pager = Regex.Match(html, """<nav class="pager">(?<links>.*?)</nav>""", RegexOptions.Singleline);
        Assert.True(pager.Success, "The page has no pager");
        var link = Regex.Match(pager.Groups["links"].Value, $"""<a href="(?<href>[^"]*)">[^<]*{label}[^<]*</a>""");
        Assert.True(link.Success, $"The pager has no {label} link: {pager.Value}");
        return WebUtility.HtmlDecode(link.Groups["href"].Value);
    }

    private int CountPosts() => factory.WithDatabase(db => db.Posts.Count());

    private static string NewEmail() => $"user-{Guid.NewGuid():N}@example.com";
}
