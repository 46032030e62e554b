using Board.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Board.Web.Testing;

/// <summary>
/// An endpoint that always throws, so tests of the logging pipeline can see how an unhandled exception
/// is recorded. It reads from the database first, as a real page would, so the failed request has the database
/// command records that Production holds back below the level and writes only for a failed request.
/// Mapped only when configuration asks for it, never by default.
/// </summary>
public static class TestFailureEndpoint
{
    public const string ConfigurationKey = "Testing:FailureEndpoint";
    public const string Path = "/test/fail";

    public static WebApplication MapTestFailureEndpoint(this WebApplication app)
    {
        if (app.Configuration.GetValue<bool>(ConfigurationKey))
        {
            // Every method, so tests can see a failed POST, PUT or OPTIONS reach the error page as well as a failed GET.
            app.Map(Path, async Task<IResult> (BoardDbContext db, CancellationToken cancellationToken) =>
            {
                await db.Boards.CountAsync(cancellationToken);
                throw new InvalidOperationException("Test failure endpoint");
            });
        }

        return app;
    }
}
