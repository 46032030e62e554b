using System.Net;
using Board.Web.Data;
using Microsoft.EntityFrameworkCore;
using BoardEntity = Board.Web.Data.Board;

namespace Board.Tests.Web;

/// <summary>
/// Every length limit of a form is counted in code points, as the database's CHECK constraints count it: a text of
/// letters outside the Basic Multilingual Plane (two UTF-16 units each), or of letters sent decomposed (a letter and a
/// combining mark), is accepted up to the limit and refused past it with the field's message and no Error record, and
/// the database refuses exactly what the form refuses.
/// </summary>
public sealed class TextLengthTests(BoardAppFactory factory) : IClassFixture<BoardAppFactory>
{
    private const string Password = "Correct-horse-1";
    private const string Letter = "\U00020000"; // 𠀀, CJK Extension B: one code point, two UTF-16 units

    private const string Composable = "e\u0301"; // é sent decomposed: two code points, stored as sent

    public static TheoryData<string, int, string> Fields
    {
        get
        {
            var fields = new TheoryData<string, int, string>();
            foreach (var unit in new[] { Letter, Composable })
            {
                fields.Add("board name", BoardEntity.NameMaxLength, unit);
                fields.Add("board description", BoardEntity.DescriptionMaxLength, unit);
                fields.Add("post title", Post.TitleMaxLength, unit);
                fields.Add("post text", Post.TextMaxLength, unit);
            }

            return fields;
        }
    }

    [Theory]
    [MemberData(nameof(Fields))]
    public async Task A_field_takes_its_limit_in_code_points_and_refuses_one_more(string field, int limit, string unit)
    {
        using var browser = new BrowserClient(factory);
        await browser.RegisterAsync($"user-{Guid.NewGuid():N}@example.com", Password);
        var atLimit = CodePoints(unit, limit);
        var overLimit = CodePoints(unit, limit + 1);
        var errorsBefore = ErrorRecords();

        using (var accepted = await SubmitAsync(browser, field, atLimit))
        {
            Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        }

        Assert.True(Stored(field, atLimit), $"the {field} of {limit} letters was not stored");

        using var refused = await SubmitAsync(browser, field, overLimit);
        Assert.Equal(HttpStatusCode.UnprocessableContent, refused.StatusCode);
        var property = field switch { "board name" => "Name", "board description" => "Description", "post title" => "Title", _ => "Text" };
        Assert.Matches($"""data-valmsg-for="Input.{property}"[^>]*>[^<]* {limit}\b[^<]*</span>""", await refused.Content.ReadAsStringAsync());
        Assert.False(Stored(field, overLimit));
        Assert.Equal(errorsBefore, ErrorRecords());
    }

    [Theory]
    [MemberData(nameof(Fields))]
    public void The_database_refuses_exactly_one_code_point_more_than_the_limit(string field, int limit, string unit)
    {
        Assert.False(DatabaseRefuses(field, CodePoints(unit, limit)), $"the database refused a {field} of {limit} code points");
        Assert.True(DatabaseRefuses(field, CodePoints(unit, limit + 1)), $"the database took a {field} of {limit + 1} code points");
    }

    /// <summary><paramref name="count"/> code points of <paramref name="unit"/> repeated, cut inside the last unit if need be.</summary>
    private static string CodePoints(string unit, int count)
    {
        var perUnit = TextLength.Of(unit);
        var text = string.Concat(Enumerable.Repeat(unit, (count + perUnit - 1) / perUnit));
        var runes = text.EnumerateRunes().Take(count);
        return string.Concat(runes.Select(r => r.ToString()));
    }

    private int ErrorRecords() => factory.Logs.Records.Count(r => r.Level >= Microsoft.Extensions.Logging.LogLevel.Error);

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
