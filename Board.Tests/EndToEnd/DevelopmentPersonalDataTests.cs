using Board.Tests.Support;
using Board.Tests.Web;

namespace Board.Tests.EndToEnd;

/// <summary>
/// Development is the one environment where personal data is written as it is, so a developer can read their
/// own test account in the console. (Production redacts or hashes it: see the process tests.)
/// </summary>
public sealed class DevelopmentPersonalDataTests
{
    [Fact]
    public async Task Development_writes_the_login_email_plainly_on_stdout_and_to_the_exporters()
    {
        await using var factory = new BoardAppFactory
        {
            EnvironmentName = "Development",
            Settings = new Dictionary<string, string?> { ["StructuredLogging:Console:Format"] = "Json" },
        };
        var email = $"dev-{Guid.NewGuid():N}@example.com";
        using var browser = new BrowserClient(factory);
        await browser.RegisterAsync(email, "Dev-Password-123");
        await browser.LogOutAsync();
        using (var login = await browser.LogInAsync(email, "Dev-Password-123")) { }

        var line = factory.JsonLines().Single("message", $"User {email} logged in");
        Assert.Equal(email, line.Text("user.email"));

        var exported = Assert.Single(factory.Exported, r => r.Attributes?.Any(a => a.Key == "{OriginalFormat}" && Equals(a.Value, BoardFlow.LoginTemplate)) == true);
        Assert.Contains(exported.Attributes!, a => a.Key == "user.email" && Equals(a.Value, email));
    }
}
