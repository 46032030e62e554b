using Board.Web.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Board.Web.Pages.Posts;

/// <summary>
/// Deletes a post for its author. GET shows a confirmation (for browsers without the inline button);
/// only POST deletes, so a link or a prefetch can never remove anything.
/// </summary>
[Authorize]
public sealed class DeleteModel(BoardDbContext db, UserManager<BoardUser> users, ILogger<DeleteModel> logger) : PageModel
{
    public Post Post { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken)
    {
        var post = await FindPostAsync(id, cancellationToken);
        if (post is null)
        {
            return NotFound();
        }

        if (post.AuthorId != users.GetUserId(User))
        {
            return Forbid();
        }

        Post = post;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(int id, CancellationToken cancellationToken)
    {
        var post = await db.Posts.AsNoTracking()
            .Where(p => p.Id == id)
            .Select(p => new { p.Id, p.BoardId, p.AuthorId, BoardSlug = p.Board!.Slug })
            .SingleOrDefaultAsync(cancellationToken);
        if (post is null)
        {
            return NotFound();
        }

        var userId = users.GetUserId(User);
        if (post.AuthorId != userId)
        {
            using (logger.BeginFields(("board.id", post.BoardId), ("user.id", userId)))
            {
                logger.LogWarning("Refused to delete post {post.id}: not its author", post.Id);
            }

            return Forbid();
        }

        // Deleted by a query that counts what it removed, rather than a tracked removal: when the same form is submitted
        // twice at once, the second finds the post gone and gets 404 instead of a failed save.
        var deleted = await db.Posts.Where(p => p.Id == id && p.AuthorId == userId).ExecuteDeleteAsync(cancellationToken);
        if (deleted == 0)
        {
            return NotFound();
        }

        using (logger.BeginFields(("board.id", post.BoardId), ("user.id", userId)))
        {
            logger.LogInformation("Post {post.id} deleted from board {board.slug}", post.Id, post.BoardSlug);
        }

        return RedirectToPage("/Boards/View", new { slug = post.BoardSlug });
    }

    private Task<Post?> FindPostAsync(int id, CancellationToken cancellationToken) =>
        db.Posts.Include(p => p.Board).SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
}
