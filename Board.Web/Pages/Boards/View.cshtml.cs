using Board.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Board.Web.Pages.Boards;

/// <summary>One board: its posts newest first, a page at a time, and the form to write a new one.</summary>
public sealed class BoardPageModel(BoardDbContext db, UserManager<BoardUser> users, ILogger<BoardPageModel> logger) : PageModel
{
    public const int PageSize = 20;

    [BindProperty]
    public PostInput Input { get; set; } = new();

    public Data.Board Board { get; private set; } = null!;
    public IReadOnlyList<PostView> Posts { get; private set; } = [];
    public int PageNumber { get; private set; } = 1;
    public int TotalPages { get; private set; } = 1;
    public string? CurrentUserId { get; private set; }

    // The page number is "p", not "page": Razor Pages reserve the "page" route value for the page's own name, so link
    // generation would replace it. It arrives as a string so that ?p=abc reads as the first page rather than a
    // model-binding error.
    public async Task<IActionResult> OnGetAsync(string slug, [FromQuery(Name = "p")] string? p, CancellationToken cancellationToken)
    {
        var board = await FindBoardAsync(slug, cancellationToken);
        if (board is null)
        {
            return NotFound();
        }

        var requested = int.TryParse(p, out var number) && number > 1 ? number : 1;
        return await ShowAsync(board, requested, cancellationToken);
    }

    public async Task<IActionResult> OnPostAsync(string slug, CancellationToken cancellationToken)
    {
        // Anyone may read a board, only signed-in users may write; the challenge sends them to log in
        // and back here afterwards.
        if (User.Identity?.IsAuthenticated != true)
        {
            return Challenge();
        }

        var board = await FindBoardAsync(slug, cancellationToken);
        if (board is null)
        {
            return NotFound();
        }

        if (!ModelState.IsValid)
        {
            return await ShowAsync(board, 1, cancellationToken, refused: true);
        }

        var post = new Post
        {
            BoardId = board.Id,
            Title = string.IsNullOrWhiteSpace(Input.Title) ? null : Input.Title.Trim(),
            Text = Input.Text.Trim(),
            AuthorId = users.GetUserId(User)!,
            CreatedUtc = DateTime.UtcNow,
        };
        db.Posts.Add(post);
        await db.SaveChangesAsync(cancellationToken);

        using (logger.BeginFields(("board.id", board.Id), ("user.id", post.AuthorId)))
        {
            logger.LogInformation("Post {post.id} created on board {board.slug}", post.Id, board.Slug);
        }

        // Post/redirect/get: a browser refresh must not post the same text twice.
        return RedirectToPage("/Boards/View", new { slug = board.Slug });
    }

    private Task<Data.Board?> FindBoardAsync(string slug, CancellationToken cancellationToken) =>
        db.Boards.AsNoTracking().SingleOrDefaultAsync(b => b.Slug == slug, cancellationToken);

    private async Task<IActionResult> ShowAsync(Data.Board board, int pageNumber, CancellationToken cancellationToken, bool refused = false)
    {
        var postCount = await db.Posts.CountAsync(p => p.BoardId == board.Id, cancellationToken);
        TotalPages = Math.Max(1, (postCount + PageSize - 1) / PageSize);
        // A page past the end is an address that does not exist, not an empty page.
        if (pageNumber > TotalPages)
        {
            return NotFound();
        }

        Board = board;
        PageNumber = pageNumber;
        CurrentUserId = users.GetUserId(User);
        Posts = await db.Posts
            .Where(p => p.BoardId == board.Id)
            .OrderByDescending(p => p.CreatedUtc).ThenByDescending(p => p.Id)
            .Skip((pageNumber - 1) * PageSize)
            .Take(PageSize)
            // The name is read through the author at query time, so the page always shows the name the user holds.
            .Select(p => new PostView(p.Id, p.Title, p.Text, p.AuthorId, p.Author!.DisplayName, p.CreatedUtc))
            .ToListAsync(cancellationToken);
        return refused ? this.RefusedForm() : Page();
    }

    /// <summary>What the page shows of a post. Boards are public, so it carries the author's display name and nothing of the email.</summary>
    public sealed record PostView(int Id, string? Title, string Text, string AuthorId, string AuthorName, DateTime CreatedUtc);
}
