using Microsoft.EntityFrameworkCore;

namespace Board.Web.Data;

/// <summary>Makes the database ready before the app takes requests: writable file, current schema, seed data.</summary>
public static class DatabaseInitializer
{
    public const string WelcomeSlug = "welcome";

    public static void Initialize(IServiceProvider services)
    {
        var location = services.GetRequiredService<DatabaseLocation>();
        if (location.FilePath is not null)
        {
            EnsureWritable(location.FilePath);
        }

        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BoardDbContext>();
        db.Database.Migrate();
        SeedWelcomeBoard(db);
    }

    /// <summary>
    /// Fails with a message naming the file instead of the bare SQLite error ("unable to open database
    /// file") that Migrate() would give, which does not say which file or what to change.
    /// </summary>
    public static void EnsureWritable(string filePath)
    {
        try
        {
            var directory = Path.GetDirectoryName(filePath);
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            // Opening for write (creating an empty file if needed) proves SQLite will be able to; an empty
            // file is a valid empty SQLite database.
            using var stream = new FileStream(filePath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or System.Security.SecurityException)
        {
            throw new InvalidOperationException(
                $"The database file '{filePath}' cannot be created or written: {ex.Message} " +
                $"Set ConnectionStrings:{DatabaseLocation.ConnectionStringName} to a writable location.", ex);
        }
    }

    // Looked up by slug so restarts (and several instances starting together) add it once.
    private static void SeedWelcomeBoard(BoardDbContext db)
    {
        if (db.Boards.Any(b => b.Slug == WelcomeSlug))
        {
            return;
        }

        db.Boards.Add(new Board
        {
            Name = "Welcome",
            Slug = WelcomeSlug,
            Description = "Say hello and try the board out.",
            CreatedUtc = DateTime.UtcNow,
        });

        try
        {
            db.SaveChanges();
        }
        catch (DbUpdateException) when (db.Boards.AsNoTracking().Any(b => b.Slug == WelcomeSlug))
        {
            // Another instance seeded it between our check and our insert.
        }
    }
}
