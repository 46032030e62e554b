using Board.Web.Data;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Board.Web.Pages;

public sealed class IndexModel(BoardDbContext db) : PageModel
{
    public IReadOnlyList<BoardSummary> Boards { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Boards = await db.Boards
            .OrderBy(b => b.Name)
            .Select(b => new BoardSummary(b.Slug, b.Name, b.Description, b.Posts.Count))
            .ToListAsync(cancellationToken);
    }

    public sealed record BoardSummary(string Slug, string Name, string? Description, int PostCount);
}
