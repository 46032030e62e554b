using System.ComponentModel.DataAnnotations;
using Board.Web.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Board.Web.Pages.Boards;

[Authorize]
public sealed class CreateModel(BoardDbContext db, UserManager<BoardUser> users, ILogger<CreateModel> logger) : PageModel
{
    [BindProperty]
    public BoardInput Input { get; set; } = new();

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!ModelState.IsValid)
        {
            return this.RefusedForm();
        }

        var name = Input.Name.Trim();
        var slug = await SlugGenerator.MakeUniqueAsync(db.Boards.AsNoTracking(), SlugGenerator.FromName(name), cancellationToken);

        var board = new Data.Board
        {
            Name = name,
            Slug = slug,
            Description = string.IsNullOrWhiteSpace(Input.Description) ? null : Input.Description.Trim(),
            CreatedById = users.GetUserId(User),
            CreatedUtc = DateTime.UtcNow,
        };
        db.Boards.Add(board);

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation())
        {
            // Someone took the same slug between our check and our insert; the unique index stopped it. Any other
            // failure is not the user's to retry and goes to the error page.
            ModelState.AddModelError(string.Empty, "A board with this name was created just now. Please try again.");
            return new PageResult { StatusCode = StatusCodes.Status409Conflict };
        }

        using (logger.BeginFields(("board.id", board.Id)))
        {
            logger.LogInformation("Board {board.slug} created", board.Slug);
        }

        return RedirectToPage("/Boards/View", new { slug = board.Slug });
    }

    public sealed class BoardInput
    {
        [Required, CodePointLength(Data.Board.NameMaxLength), NoControlCharacters]
        public string Name { get; set; } = "";

        [CodePointLength(Data.Board.DescriptionMaxLength), NoControlCharacters(Multiline = true)]
        public string? Description { get; set; }
    }
}
