using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace Board.Tests.Web;

/// <summary>
/// With DataProtection:KeysDirectory set, the keys that sign cookies and form tokens are kept there, so an app
/// started anew on the same directory (a new task on the same volume) still reads what the previous one signed.
/// </summary>
public sealed class DataProtectionKeysTests : IDisposable
{
    private readonly string _keys = Directory.CreateTempSubdirectory("board-keys-").FullName;

    public void Dispose() => Directory.Delete(_keys, recursive: true);

    [Fact]
    public async Task A_new_app_on_the_same_keys_directory_reads_what_the_previous_one_protected()
    {
        string protectedText;
        await using (var first = NewApp())
        {
            protectedText = first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("signed in");
        }

        Assert.NotEmpty(Directory.GetFiles(_keys, "key-*.xml"));
        await using var second = NewApp();
        var protector = second.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test");
        Assert.Equal("signed in", protector.Unprotect(protectedText));
    }

    private BoardAppFactory NewApp() => new() { Settings = new Dictionary<string, string?> { ["DataProtection:KeysDirectory"] = _keys } };
}
