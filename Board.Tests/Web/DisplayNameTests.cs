using System.Net;
using System.Text.RegularExpressions;
using Board.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Board.Tests.Web;

/// <summary>
/// Boards are public: a post names its author by the display name chosen at registration, and no page shows any part
/// of the author's email to anyone else. Registration refuses a display name that breaks the rules or is taken.
/// </summary>
public sealed class DisplayNameTests(BoardAppFactory factory) : IClassFixture<BoardAppFactory>
{
    private const string Password = "Correct-horse-1";

    [Fact]
    public async Task A_post_shows_its_authors_display_name_and_no_part_of_the_email_to_anyone()
    {
        // The local part is a canary: a page that shows it, or the address, gives the author's email away.
        var canary = $"canary{Guid.NewGuid():N}";
        var email = $"{canary}@mail-{Guid.NewGuid():N}.example";
        var displayName = $"Poster {Guid.NewGuid():N}"[..20];
        var text = $"Hello from the display name test {Guid.NewGuid():N}";
        using var author = new BrowserClient(factory);
        await author.RegisterAsync(email, Password, displayName);
        using (var written = await author.WritePostAsync(DatabaseInitializer.WelcomeSlug, text))
        {
            Assert.Equal(HttpStatusCode.Redirect, written.StatusCode);
        }

        using var anonymous = new BrowserClient(factory);
        using var other = new BrowserClient(factory);
        await other.RegisterAsync($"other-{Guid.NewGuid():N}@example.com", Password);

        foreach (var (who, browser) in new[] { ("anonymous", anonymous), ("another user", other), ("the author", author) })
        {
            var page = await browser.GetPageAsync($"/b/{DatabaseInitializer.WelcomeSlug}");
            Assert.Contains(text, page, StringComparison.Ordinal);
            Assert.False(page.Contains(canary, StringComparison.OrdinalIgnoreCase), $"{who}: the board page shows the author's email");
            Assert.True(PostByline(page, text).Contains(displayName, StringComparison.Ordinal), $"{who}: the post does not name {displayName}");
            foreach (var home in new[] { "/", "/Account/Login" })
            {
                Assert.False((await browser.GetPageAsync(home)).Contains(canary, StringComparison.OrdinalIgnoreCase), $"{who}: {home} shows the author's email");
            }
        }
    }

    [Fact]
    public async Task The_header_greets_a_signed_in_user_by_display_name_not_by_email()
    {
        var canary = $"canary{Guid.NewGuid():N}";
        var displayName = BrowserClient.NewDisplayName();
        using var browser = new BrowserClient(factory);
        await browser.RegisterAsync($"{canary}@example.com", Password, displayName);

        var page = await browser.GetPageAsync("/");

        Assert.Contains($"Signed in as {displayName}", page, StringComparison.Ordinal);
        Assert.DoesNotContain(canary, page, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("", "The Display name field is required.")]
    [InlineData("   ", "The Display name field is required.")]
    [InlineData("ab", "A display name is 3 to 32 characters long.")]
    [InlineData(" ab ", "A display name is 3 to 32 characters long.")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456", "A display name is 3 to 32 characters long.")]
    [InlineData("\U0001D400\U0001D401", "A display name is 3 to 32 characters long.")] // 𝐀𝐁: 2 code points, 4 UTF-16 units
    [InlineData("\U0001D49Cb", "A display name is 3 to 32 characters long.")] // 𝒜b
    [InlineData("a\U0001D7D8", "A display name is 3 to 32 characters long.")] // a𝟘
    [InlineData("\U00020000\U00020001", "A display name is 3 to 32 characters long.")] // 𠀀𠀁
    [InlineData("e\u0301e\u0301", "A display name is 3 to 32 characters long.")] // two letters once composed
    [InlineData("\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000", "A display name is 3 to 32 characters long.")] // 33
    [InlineData("\uFB2C\uFB2C\uFB2C\uFB2C\uFB2C\uFB2C\uFB2C\uFB2C\uFB2C\uFB2C\uFB2C", "A display name is 3 to 32 characters long.")] // 11 typed, 33 once composed (each is 3)
    [InlineData("\u0301ab", "A display name can only contain letters, digits, spaces and the characters - _ .")] // a mark with nothing before it
    [InlineData("ab\U0001F600", "A display name can only contain letters, digits, spaces and the characters - _ .")] // an emoji is a symbol
    [InlineData("ab\U000E0041", "A display name can only contain letters, digits, spaces and the characters - _ .")] // a tag character
    [InlineData("me@example.com", "A display name cannot contain &#x27;@&#x27;.")]
    [InlineData("me@home", "A display name cannot contain &#x27;@&#x27;.")]
    [InlineData("bell\u0007name", "The Display name field cannot contain control characters.")]
    [InlineData("line\nbreak", "The Display name field cannot contain control characters.")]
    [InlineData("zero\u200Bwidth", "A display name can only contain letters, digits, spaces and the characters - _ .")]
    [InlineData("right\u202Eleft", "A display name can only contain letters, digits, spaces and the characters - _ .")]
    [InlineData("<script>", "A display name can only contain letters, digits, spaces and the characters - _ .")]
    [InlineData("...", "A display name needs at least one letter or digit.")]
    public async Task Registration_refuses_a_display_name_that_breaks_the_rules_and_creates_no_user(string displayName, string message)
    {
        var email = NewEmail();
        using var browser = new BrowserClient(factory);
        var errorsBefore = ErrorRecords();

        // Multipart, so a control character reaches the page as a script could send it.
        using var response = await browser.SubmitFormAsync("/Account/Register", RegistrationForm(email, displayName), multipart: true);

        Assert.Equal(HttpStatusCode.UnprocessableContent, response.StatusCode);
        Assert.Equal(errorsBefore, ErrorRecords());
        var html = await response.Content.ReadAsStringAsync();
        Assert.Matches($"""data-valmsg-for="Input.DisplayName"[^>]*>{Regex.Escape(message)}</span>""", html);
        Assert.Contains("id=\"Input_DisplayName\"", html, StringComparison.Ordinal);
        Assert.Equal(0, factory.WithDatabase(db => db.Users.Count(u => u.Email == email)));
    }

    [Theory]
    [InlineData("TAKEN-{0}")]
    [InlineData("taken-{0}")]
    [InlineData("  Taken-{0}  ")]
    [InlineData("Ｔａｋｅｎ-{0}")]
    [InlineData("\U0001D413\U0001D41A\U0001D424\U0001D41E\U0001D427-{0}")] // mathematical bold 𝐓𝐚𝐤𝐞𝐧
    [InlineData("\u1d40\u1d43\u1d4f\u1d49\u207f-{0}")] // modifier letters ᵀᵃᵏᵉⁿ
    public async Task Registration_refuses_a_display_name_someone_holds_whatever_its_case_or_width(string variant)
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        using (var first = new BrowserClient(factory))
        {
            await first.RegisterAsync(NewEmail(), Password, $"Taken-{suffix}");
        }

        var email = NewEmail();
        using var second = new BrowserClient(factory);
        using var response = await second.SubmitFormAsync("/Account/Register", RegistrationForm(email, string.Format(variant, suffix)));

        Assert.Equal(HttpStatusCode.UnprocessableContent, response.StatusCode);
        Assert.Matches("""data-valmsg-for="Input.DisplayName"[^>]*>That display name is taken.</span>""", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, factory.WithDatabase(db => db.Users.Count(u => u.Email == email)));
        Assert.Equal(1, factory.WithDatabase(db => db.Users.Count(u => u.NormalizedDisplayName == $"TAKEN-{suffix}".ToUpperInvariant())));
    }

    [Fact]
    public async Task Registration_stores_the_display_name_trimmed_and_accepts_letters_of_any_script()
    {
        var displayName = $"Zoë Ångström-Δ {Guid.NewGuid():N}"[..24];
        var email = NewEmail();
        using var browser = new BrowserClient(factory);

        await browser.RegisterAsync(email, Password, $"  {displayName}  ");

        var stored = factory.WithDatabase(db => db.Users.Single(u => u.Email == email));
        Assert.Equal(displayName, stored.DisplayName);
        Assert.Equal(displayName.ToUpperInvariant(), stored.NormalizedDisplayName);
    }

    [Theory]
    [InlineData("\U0001D400\U0001D401\U0001D402")] // 𝐀𝐁𝐂: 3 code points, 6 UTF-16 units
    [InlineData("\U00020000\U00020001\U00020002")] // 𠀀𠀁𠀂
    [InlineData("a\U0001D7D8b")] // a𝟘b
    [InlineData("e\u0301e\u0301e\u0301")] // three letters once composed
    [InlineData("\uFB2C\uFB2C\uFB2C\uFB2C\uFB2C\uFB2C\uFB2C\uFB2C\uFB2C\uFB2C")] // 10 typed, 30 once composed
    [InlineData("\U0002F800\U0002F800\U0002F800")] // compatibility ideographs outside the BMP, composed to ones inside it
    [InlineData("\U00011013\U00011038\U00011013")] // Brahmi letter, vowel sign (a mark outside the BMP), letter
    [InlineData("\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000\U00020000")] // 32: 64 UTF-16 units
    public async Task Registration_accepts_a_name_of_letters_outside_the_basic_plane_counted_in_code_points(string displayName)
    {
        var suffix = Guid.NewGuid().ToString("N")[..3];
        var name = TextLength.Of(DisplayNames.Clean(displayName)) + 3 <= DisplayNames.MaxLength ? displayName + suffix : displayName;
        var email = NewEmail();
        using var browser = new BrowserClient(factory);
        var errorsBefore = ErrorRecords();

        await browser.RegisterAsync(email, Password, name);

        Assert.Equal(errorsBefore, ErrorRecords());

        var stored = factory.WithDatabase(db => db.Users.Single(u => u.Email == email));
        Assert.Equal(DisplayNames.Clean(name), stored.DisplayName);
        Assert.Equal(DisplayNames.Normalize(DisplayNames.Clean(name)), stored.NormalizedDisplayName);
    }

    [Fact]
    public async Task Registration_refuses_a_name_someone_holds_composed_when_it_is_sent_decomposed()
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        using (var first = new BrowserClient(factory))
        {
            await first.RegisterAsync(NewEmail(), Password, $"Zo\u00eb-{suffix}");
        }

        var email = NewEmail();
        using var second = new BrowserClient(factory);
        using var response = await second.SubmitFormAsync("/Account/Register", RegistrationForm(email, $"Zoe\u0308-{suffix}"));

        Assert.Equal(HttpStatusCode.UnprocessableContent, response.StatusCode);
        Assert.Matches("""data-valmsg-for="Input.DisplayName"[^>]*>That display name is taken.</span>""", await response.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// Names at each edge of the length rule, inserted past every check but the database's: the CHECK constraint refuses
    /// exactly the names whose length the rule refuses, so the form always answers before the database would.
    /// </summary>
    [Theory]
    [InlineData("ab", 1)]
    [InlineData("abc", 1)]
    [InlineData("\U0001D400\U0001D401", 1)]
    [InlineData("\U0001D400\U0001D401\U0001D402", 1)]
    [InlineData("\U00020000", 2)]
    [InlineData("\U00020000", 3)]
    [InlineData("e\u0301", 2)]
    [InlineData("e\u0301", 3)]
    [InlineData("\U00020000", 32)]
    [InlineData("\U00020000", 33)]
    [InlineData("a", 32)]
    [InlineData("a", 33)]
    [InlineData("e\u0301", 32)]
    [InlineData("e\u0301", 33)]
    [InlineData("\uFB2C", 10)]
    [InlineData("\uFB2C", 11)]
    public void The_database_and_the_rule_agree_on_every_length(string unit, int repeat)
    {
        var name = DisplayNames.Clean(string.Concat(Enumerable.Repeat(unit, repeat)));
        var problem = DisplayNames.Problem(name);
        var lengthMessage = $"A display name is {DisplayNames.MinLength} to {DisplayNames.MaxLength} characters long.";
        Assert.True(problem is null || problem == lengthMessage, problem);

        var databaseRefuses = factory.WithDatabase(db =>
        {
            // Rolled back, so that the names of one case cannot collide with another's under the unique index.
            using var transaction = db.Database.BeginTransaction();
            db.Users.Add(new BoardUser { UserName = NewEmail(), DisplayName = name });
            try
            {
                db.SaveChanges();
                return false;
            }
            catch (DbUpdateException exception) when (exception.InnerException?.Message.Contains("CK_AspNetUsers_DisplayName_Length", StringComparison.Ordinal) == true)
            {
                return true;
            }
        });

        Assert.Equal(problem is not null, databaseRefuses);
    }

    [Theory]
    [InlineData("ab", "CK_AspNetUsers_DisplayName_Length")]
    [InlineData("someone@example.com", "CK_AspNetUsers_DisplayName_NoAt")]
    public void The_database_itself_refuses_a_display_name_that_is_too_short_or_holds_an_at(string displayName, string constraint)
    {
        var exception = Assert.Throws<DbUpdateException>(() => factory.WithDatabase(db =>
        {
            db.Users.Add(new BoardUser { UserName = NewEmail(), DisplayName = displayName });
            return db.SaveChanges();
        }));

        Assert.Contains(constraint, exception.InnerException?.Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> RegistrationForm(string email, string displayName) => new()
    {
        ["Input.Email"] = email,
        ["Input.DisplayName"] = displayName,
        ["Input.Password"] = Password,
        ["Input.ConfirmPassword"] = Password,
    };

    /// <summary>The by-line under the post whose text is <paramref name="text"/>.</summary>
    private static string PostByline(string html, string text)
    {
        var post = html.IndexOf(text, StringComparison.Ordinal);
        var meta = html.IndexOf("class=\"post-meta", post, StringComparison.Ordinal);
        var end = html.IndexOf("</span>", meta, StringComparison.Ordinal);
        return html[meta..end];
    }

    private int ErrorRecords() => factory.Logs.Records.Count(r => r.Level >= LogLevel.Error);

    private static string NewEmail() => $"user-{Guid.NewGuid():N}@example.com";
}
