using System.Net;

namespace Board.Tests.EndToEnd;

/// <summary>
/// What a newcomer's first start shows: on a fresh database and a fresh key directory, Board.Web in Production
/// starts, serves the board and its icon, and writes nothing at Warning or above, so that the first Warning a team
/// sees means something.
/// </summary>
public sealed class FirstRunTests
{
    [Fact]
    public async Task A_fresh_start_serves_the_board_and_its_icon_without_a_warning_or_an_error()
    {
        var keys = Directory.CreateTempSubdirectory("board-keys-");
        try
        {
            var options = new BoardWebProcessOptions();
            options.EnvironmentVariables["DataProtection__KeysDirectory"] = keys.FullName;
            await using var app = await BoardWebProcess.StartHealthyAsync(options);
            using var client = app.CreateClient();

            using var board = await client.GetAsync("/");
            using var icon = await client.GetAsync("/favicon.ico");
            var exitCode = await app.StopAsync(graceful: true);

            Assert.Equal(HttpStatusCode.OK, board.StatusCode);
            Assert.Equal(HttpStatusCode.OK, icon.StatusCode);
            Assert.Equal("image/x-icon", icon.Content.Headers.ContentType?.MediaType);
            Assert.NotEmpty(await icon.Content.ReadAsByteArrayAsync());
            Assert.Equal(0, exitCode);

            var records = app.StandardOutput.Select(SinkRecord.FromJsonLine).OfType<SinkRecord>().ToList();
            Assert.Contains(records, r => r.Message.StartsWith("GET /favicon.ico completed with status 200", StringComparison.Ordinal));
            var loud = records.Where(r => r.Level is "Warning" or "Error" or "Critical").Select(r => $"{r.Level} {r.Logger}: {r.Message}").ToList();
            Assert.True(loud.Count == 0, "a fresh start wrote:\n" + string.Join('\n', loud));
        }
        finally
        {
            keys.Delete(recursive: true);
        }
    }
}
