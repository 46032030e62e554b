using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Board.Web.Data;

public static class UniqueViolation
{
    // SQLITE_CONSTRAINT_UNIQUE: the extended code, so a CHECK, NOT NULL or foreign key failure is not taken for one.
    private const int SqliteConstraintUnique = 2067;

    /// <summary>Whether the save failed only because a unique index already holds the value.</summary>
    public static bool IsUniqueViolation(this DbUpdateException exception) =>
        exception.InnerException is SqliteException { SqliteExtendedErrorCode: SqliteConstraintUnique };
}
