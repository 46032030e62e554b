using Board.ServiceDefaults.Requests;

namespace Board.Tests.Requests;

public sealed class QueryStringRedactorTests
{
    private readonly QueryStringRedactor _redactor = new(["token", "code", "password", "secret", "key"]);

    [Theory]
    [InlineData("?token=abc&page=2", "token=REDACTED&page=2")]
    [InlineData("?page=2&code=xyz", "page=2&code=REDACTED")]
    [InlineData("?Password=hunter2", "Password=REDACTED")]
    [InlineData("?api_key=k1&client-secret=s&x.token=t", "api_key=REDACTED&client-secret=REDACTED&x.token=REDACTED")]
    [InlineData("?%74oken=abc", "%74oken=REDACTED")]
    [InlineData("?X-Amz-Signature=sig&X-Amz-Credential=c", "X-Amz-Signature=REDACTED&X-Amz-Credential=REDACTED")]
    [InlineData("?keyboard=qwerty&monkey=1", "keyboard=qwerty&monkey=1")]
    [InlineData("?token", "token")]
    [InlineData("?a=1&&token=x&", "a=1&&token=REDACTED&")]
    [InlineData("?q=hello%20world", "q=hello%20world")]
    public void Values_of_sensitive_keys_are_replaced(string query, string expected)
    {
        Assert.Equal(expected, _redactor.Redact(query));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("?")]
    public void No_query_gives_null(string? query)
    {
        Assert.Null(_redactor.Redact(query));
    }

    [Fact]
    public void Configured_keys_replace_the_defaults()
    {
        var redactor = new QueryStringRedactor(["session"]);

        Assert.Equal("session=REDACTED&token=abc", redactor.Redact("?session=s1&token=abc"));
    }
}
