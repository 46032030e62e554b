using System.Net;
using System.Text.RegularExpressions;
using Board.Web.Pages.Account;

namespace Board.Tests.Web;

public sealed class AccountTests(BoardAppFactory factory) : IClassFixture<BoardAppFactory>
{
    private const string Password = "Correct-horse-1";

    [Fact]
    public async Task Login_with_an_off_site_return_url_goes_home()
    {
        var email = await RegisterNewUserAsync();
        using var browser = new BrowserClient(factory);

        using var response = await browser.LogInAsync(email, Password, returnUrl: "https://evil.example/");

        Assert.Equal("/", BrowserClient.RedirectTarget(response));
    }

    [Theory]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    public async Task Login_with_a_protocol_relative_return_url_goes_home(string returnUrl)
    {
        var email = await RegisterNewUserAsync();
        using var browser = new BrowserClient(factory);

        using var response = await browser.LogInAsync(email, Password, returnUrl);

        Assert.Equal("/", BrowserClient.RedirectTarget(response));
    }

    [Fact]
    public async Task Login_with_a_local_return_url_goes_there()
    {
        var email = await RegisterNewUserAsync();
        using var browser = new BrowserClient(factory);

        using var response = await browser.LogInAsync(email, Password, returnUrl: "/b/welcome?p=2");

        Assert.Equal("/b/welcome?p=2", BrowserClient.RedirectTarget(response));
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_even_against_the_right_one()
    {
        var email = await RegisterNewUserAsync();
        using var browser = new BrowserClient(factory);

        for (var attempt = 1; attempt <= 4; attempt++)
        {
            using var wrong = await browser.LogInAsync(email, "Wrong-password-" + attempt);
            Assert.Equal(HttpStatusCode.UnprocessableContent, wrong.StatusCode);
            Assert.Contains(LoginModel.InvalidMessage, await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var fifth = await browser.LogInAsync(email, "Wrong-password-5");
        Assert.Equal(HttpStatusCode.UnprocessableContent, fifth.StatusCode);
        Assert.Contains(LoginModel.LockedOutMessage, await fifth.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var right = await browser.LogInAsync(email, Password);
        Assert.Equal(HttpStatusCode.UnprocessableContent, right.StatusCode);
        Assert.Contains(LoginModel.LockedOutMessage, await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_login_form_without_an_email_is_refused_with_the_message()
    {
        using var browser = new BrowserClient(factory);

        using var response = await browser.LogInAsync("", Password);

        Assert.Equal(HttpStatusCode.UnprocessableContent, response.StatusCode);
        Assert.Matches("""data-valmsg-for="Input.Email"[^>]*>The Email field is required.</span>""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Registration_with_passwords_that_differ_is_refused_with_the_message()
    {
        using var browser = new BrowserClient(factory);

        using var response = await browser.SubmitFormAsync("/Account/Register", new Dictionary<string, string>
        {
            ["Input.Email"] = NewEmail(),
            ["Input.DisplayName"] = BrowserClient.NewDisplayName(),
            ["Input.Password"] = Password,
            ["Input.ConfirmPassword"] = Password + "x",
        });

        Assert.Equal(HttpStatusCode.UnprocessableContent, response.StatusCode);
        Assert.Matches("""data-valmsg-for="Input.ConfirmPassword"[^>]*>The passwords do not match.</span>""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Registration_with_a_taken_email_is_refused_with_the_message()
    {
        var email = await RegisterNewUserAsync();
        using var browser = new BrowserClient(factory);

        using var response = await browser.SubmitFormAsync("/Account/Register", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.DisplayName"] = BrowserClient.NewDisplayName(),
            ["Input.Password"] = Password,
            ["Input.ConfirmPassword"] = Password,
        });

        Assert.Equal(HttpStatusCode.UnprocessableContent, response.StatusCode);
        Assert.Matches($"""data-valmsg-for="Input.Email"[^>]*>Email &#x27;{Regex.Escape(email)}&#x27; is already taken.</span>""", await response.Content.ReadAsStringAsync());
        Assert.Equal(1, factory.WithDatabase(db => db.Users.Count(u => u.Email == email)));
    }

    [Fact]
    public async Task Registration_stores_a_hashed_password()
    {
        var email = await RegisterNewUserAsync();

        var hash = factory.WithDatabase(db => db.Users.Single(u => u.Email == email).PasswordHash);

        Assert.False(string.IsNullOrEmpty(hash));
        Assert.DoesNotContain(Password, hash, StringComparison.Ordinal);
    }

    private static string NewEmail() => $"user-{Guid.NewGuid():N}@example.com";

    private async Task<string> RegisterNewUserAsync()
    {
        var email = NewEmail();
        using var browser = new BrowserClient(factory);
        await browser.RegisterAsync(email, Password);
        return email;
    }
}
