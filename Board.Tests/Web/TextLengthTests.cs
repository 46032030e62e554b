using System.Net;
using Board.Web.Data;
using Microsoft.EntityFrameworkCore;
using BoardEntity = Board.Web.Data.Board;

namespace Board.Tests.Web;

/// <summary>
/// Every length limit of a form is counted in code points, as the database's CHECK constraints count it: a text of
/// letters outside the Basic Multilingual Plane (two UTF-16 units each) is accepted up to the limit and refused past it
/// with the field's message, and the database refuses exactly what the form refuses.
/// </summary>
public sealed class TextLengthTests(BoardAppFactory factory) : IClassFixture<BoardAppFactory>
{
    private const string Password = "Correct-horse-1";
    private const string Letter = "\U00020000"; // 𠀀, CJK Extension B: one code point, two UTF-16 units

    public static TheoryData<string, int> Fields => new()
    {
        { "board name", BoardEntity.NameMaxLength },
        { "board description", BoardEntity.DescriptionMaxLength },
        { "post title", Post.TitleMaxLength },
        { "post text", Post.TextMaxLength },
    };

    [Theory]
    [MemberData(nameof(Fields))]
    public async Task A_field_takes_its_limit_in_letters_outside_the_basic_plane_and_refuses_one_more(string field, int limit)
    {
        using var browser = new BrowserClient(factory);
        await browser.RegisterAsync($"user-{Guid.NewGuid():N}@example.com", Password);
        var atLimit = Letters(limit);

        using (var accepted = await SubmitAsync(browser, field, atLimit))
        {
            Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        }

        Assert.True(Stored(field, atLimit), $"the {field} of {limit} letters was not stored");

        using var refused = await SubmitAsync(browser, field, Letters(limit + 1));
        Assert.Equal(HttpStatusCode.UnprocessableContent, refused.StatusCode);
        var property = field switch { "board name" => "Name", "board description" => "Description", "post title" => "Title", _ => "Text" };
        Assert.Matches($"""data-valmsg-for="Input.{property}"[^>]*>[^<]* {limit}\b[^<]*</span>""", await refused.Content.ReadAsStringAsync());
        Assert.False(Stored(field, Letters(limit + 1)));
    }

    [Theory]
    [MemberData(nameof(Fields))]
    public void The_database_refuses_exactly_one_letter_more_than_the_limit(string field, int limit)
    {
        Assert.False(DatabaseRefuses(field, Letters(limit)), $"the database refused a {field} of {limit} letters");
        Assert.True(DatabaseRefuses(field, Letters(limit + 1)), $"the database took a {field} of {limit + 1} letters");
    }

    [Fact]
    public async Task An_email_of_its_limit_is_counted_in_code_points_too()
    {
        // 142 code points, 272 UTF-16 units: within the form's limit of 256 as it counts, so the refusal is Identity's
        // (its user names are ASCII), not the length's.
        using var browser = new BrowserClient(factory);
        var local = string.Concat(Enumerable.Repeat(Letter, 130));
        using var response = await browser.SubmitFormAsync("/Account/Register", new Dictionary<string, string>
        {
            ["Input.Email"] = $"{local}@example.com",
            ["Input.DisplayName"] = BrowserClient.NewDisplayName(),
            ["Input.Password"] = Password,
            ["Input.ConfirmPassword"] = Password,
        });

        Assert.Equal(HttpStatusCode.UnprocessableContent, response.StatusCode);
        Assert.DoesNotContain("maximum length of 256", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static string Letters(int count) => string.Concat(Enumerable.Repeat(Letter, count));

    private static Task<HttpResponseMessage> SubmitAsync(BrowserClient browser, string field, string text) => field switch
    {
        "board name" => browser.SubmitFormAsync("/Boards/Create", new Dictionary<string, string> { ["Input.Name"] = text }),
        "board description" => browser.SubmitFormAsync("/Boards/Create", new Dictionary<string, string> { ["Input.Name"] = $"Long {Guid.NewGuid():N}", ["Input.Description"] = text }),
        "post title" => browser.WritePostAsync(DatabaseInitializer.WelcomeSlug, $"Titled {Guid.NewGuid():N}", title: text),
        _ => browser.WritePostAsync(DatabaseInitializer.WelcomeSlug, text),
    };

    private bool Stored(string field, string text) => factory.WithDatabase(db => field switch
    {
        "board name" => db.Boards.Any(b => b.Name == text),
        "board description" => db.Boards.Any(b => b.Description == text),
        "post title" => db.Posts.Any(p => p.Title == text),
        _ => db.Posts.Any(p => p.Text == text),
    });

    /// <summary>Inserts the text past every check but the database's, in a transaction rolled back.</summary>
    private bool DatabaseRefuses(string field, string text) => factory.WithDatabase(db =>
    {
        using var transaction = db.Database.BeginTransaction();
        var board = new BoardEntity { Name = field == "board name" ? text : "Length", Slug = $"length-{Guid.NewGuid():N}", CreatedUtc = DateTime.UtcNow };
        if (field == "board description")
        {
            board.Description = text;
        }

        db.Boards.Add(board);
        if (field.StartsWith("post", StringComparison.Ordinal))
        {
            var author = new BoardUser { UserName = $"user-{Guid.NewGuid():N}@example.com", DisplayName = BrowserClient.NewDisplayName() };
            db.Users.Add(author);
            db.Posts.Add(new Post
            {
                Board = board,
                AuthorId = author.Id,
                Title = field == "post title" ? text : null,
                Text = field == "post text" ? text : "x",
                CreatedUtc = DateTime.UtcNow,
            });
        }

        try
        {
            db.SaveChanges();
            return false;
        }
        catch (DbUpdateException exception) when (exception.InnerException?.Message.Contains("CHECK constraint failed", StringComparison.Ordinal) == true)
        {
            return true;
        }
    });
}
