using Microsoft.Data.Sqlite;

namespace Board.Web.Data;

/// <summary>
/// The SQLite connection string with its file resolved to a full path. A relative Data Source would
/// otherwise be resolved by SQLite against the process's working directory, so the database would
/// move depending on where the app was started from.
/// </summary>
public sealed class DatabaseLocation
{
    public const string ConnectionStringName = "Board";
    public const string DefaultConnectionString = "Data Source=App_Data/board.db";

    private DatabaseLocation(string connectionString, string? filePath)
    {
        ConnectionString = connectionString;
        FilePath = filePath;
    }

    public string ConnectionString { get; }

    /// <summary>Full path of the database file; null for an in-memory database.</summary>
    public string? FilePath { get; }

    public static DatabaseLocation Resolve(IConfiguration configuration, string contentRootPath)
    {
        var configured = configuration.GetConnectionString(ConnectionStringName);
        var builder = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(configured) ? DefaultConnectionString : configured);

        if (builder.Mode == SqliteOpenMode.Memory
            || string.IsNullOrEmpty(builder.DataSource)
            || builder.DataSource.Equals(":memory:", StringComparison.OrdinalIgnoreCase))
        {
            return new DatabaseLocation(builder.ConnectionString, filePath: null);
        }

        builder.DataSource = Path.GetFullPath(builder.DataSource, contentRootPath);
        return new DatabaseLocation(builder.ConnectionString, builder.DataSource);
    }
}
