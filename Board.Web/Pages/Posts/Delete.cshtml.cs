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
public sealed class DeleteModel(BoardDbContext db, UserManager<IdentityUser> users, ILogger<DeleteModel> logger) : PageModel
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
        var post = await FindPostAsync(id, cancellationToken);
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

        db.Posts.Remove(post);
        await db.SaveChangesAsync(cancellationToken);

        using (logger.BeginFields(("board.id", post.BoardId), ("user.id", userId)))
        {
            logger.LogInformation("Post {post.id} deleted from board {board.slug}", post.Id, post.Board!.Slug);
        }

        return RedirectToPage("/Boards/View", new { slug = post.Board!.Slug });
    }

    private Task<Post?> FindPostAsync(int id, CancellationToken cancellationToken) =>
        db.Posts.Include(p => p.Board).SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
}
