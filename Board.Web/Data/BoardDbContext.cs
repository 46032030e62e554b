using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Board.Web.Data;

/// <summary>Identity's tables plus the boards and their posts, in one SQLite database.</summary>
public sealed class BoardDbContext(DbContextOptions<BoardDbContext> options) : IdentityDbContext<BoardUser>(options)
{
    public DbSet<Board> Boards => Set<Board>();
    public DbSet<Post> Posts => Set<Post>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        builder.Entity<BoardUser>(user =>
        {
            user.Property(u => u.DisplayName).HasMaxLength(DisplayNames.MaxLength);
            user.Property(u => u.NormalizedDisplayName);
            // The last word on uniqueness: two registrations racing past the page's check cannot both hold a name.
            user.HasIndex(u => u.NormalizedDisplayName).IsUnique();
            user.ToTable(t =>
            {
                t.HasCheckConstraint("CK_AspNetUsers_DisplayName_Length",
                    $"length(\"DisplayName\") BETWEEN {DisplayNames.MinLength} AND {DisplayNames.MaxLength}");
                // A name that could be an email address is refused even if a caller skips Identity's validation.
                t.HasCheckConstraint("CK_AspNetUsers_DisplayName_NoAt", "instr(\"DisplayName\", '@') = 0");
            });
        });

        builder.Entity<Board>(board =>
        {
            board.HasIndex(b => b.Slug).IsUnique();
            // SQLite ignores declared column lengths; check constraints make the database refuse
            // over-long values even if a caller skips the page validation.
            board.ToTable(t =>
            {
                t.HasCheckConstraint("CK_Boards_Name_Length", $"length(\"Name\") BETWEEN 1 AND {Board.NameMaxLength}");
                t.HasCheckConstraint("CK_Boards_Description_Length", $"\"Description\" IS NULL OR length(\"Description\") <= {Board.DescriptionMaxLength}");
            });
        });

        builder.Entity<Post>(post =>
        {
            post.HasOne(p => p.Board).WithMany(b => b.Posts).HasForeignKey(p => p.BoardId).OnDelete(DeleteBehavior.Cascade);
            post.HasOne(p => p.Author).WithMany().HasForeignKey(p => p.AuthorId).OnDelete(DeleteBehavior.Cascade);
            // The board page reads one board's posts newest first, a page at a time.
            post.HasIndex(p => new { p.BoardId, p.CreatedUtc });
            post.ToTable(t =>
            {
                t.HasCheckConstraint("CK_Posts_Text_Length", $"length(\"Text\") BETWEEN 1 AND {Post.TextMaxLength}");
                t.HasCheckConstraint("CK_Posts_Title_Length", $"\"Title\" IS NULL OR length(\"Title\") <= {Post.TitleMaxLength}");
            });
        });
    }
}
