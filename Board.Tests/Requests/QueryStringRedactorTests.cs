using Board.ServiceDefaults.Requests;

namespace Board.Tests.Requests;

public sealed class QueryStringRedactorTests
{
    private readonly QueryStringRedactor _redactor = new(["p", "page"]);

    [Theory]
    [InlineData("?token=abc&page=2", "token=REDACTED&page=2")]
    [InlineData("?p=3", "p=3")]
    [InlineData("?PAGE=2&%70=4", "PAGE=2&%70=4")]
    [InlineData("?q=hello%20world", "q=REDACTED")]
    [InlineData("?a=1&&token=x&", "a=REDACTED&&token=REDACTED&")]
    [InlineData("?debug=", "debug=")]
    [InlineData("?user[password]=x&password[]=y", "user[password]=REDACTED&password[]=REDACTED")]
    [InlineData("?%74oken=abc", "token=REDACTED")]
    public void Only_values_of_allowed_keys_stay(string query, string expected)
    {
        Assert.Equal(expected, _redactor.Redact(query));
    }

    // Every spelling a secret was seen under, and the ways a value can hide: in another value, with no key, in a
    // key that is not one, behind an encoding.
    [Theory]
    [InlineData("Authorization=Bearer%20CANARY")]
    [InlineData("auth=CANARY")]
    [InlineData("passwd=CANARY")]
    [InlineData("pwd=CANARY")]
    [InlineData("pass=CANARY")]
    [InlineData("apikey=CANARY")]
    [InlineData("accessToken=CANARY")]
    [InlineData("jwt=CANARY")]
    [InlineData("session=CANARY")]
    [InlineData("sessionid=CANARY")]
    [InlineData("credentials=CANARY")]
    [InlineData("user[password]=CANARY")]
    [InlineData("user%5Bpassword%5D=CANARY")]
    [InlineData("password[]=CANARY")]
    [InlineData("ReturnUrl=%2FBoards%2FCreate%3Ftoken%3DCANARY")]
    [InlineData("CANARY")]
    [InlineData("page=1&CANARY")]
    [InlineData("token%3DCANARY=1")]
    [InlineData("token%3DCANARY")]
    [InlineData("a%26page%3DCANARY=1")]
    [InlineData("page%00=CANARY")]
    [InlineData("page =CANARY")]
    [InlineData("page+=CANARY")]
    [InlineData("x=1=CANARY")]
    [InlineData("%CANARY=1")]
    [InlineData("token=%43ANARY")]
    [InlineData("t=CAN%0AARY")]
    public void A_value_under_any_other_key_is_redacted(string query)
    {
        var redacted = _redactor.Redact("?" + query)!;

        Assert.DoesNotContain("CANARY", redacted, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("CAN", Uri.UnescapeDataString(redacted), StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_longer_than_a_key_is_redacted_with_its_value()
    {
        var key = new string('k', QueryStringRedactor.MaxKeyLength + 1);

        Assert.Equal("REDACTED=REDACTED", _redactor.Redact($"?{key}=v"));
        Assert.Equal($"{key[..^1]}=REDACTED", _redactor.Redact($"?{key[..^1]}=v"));
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
    public void Configured_keys_are_the_only_ones_allowed()
    {
        var redactor = new QueryStringRedactor(["sort"]);

        Assert.Equal("sort=name&page=REDACTED", redactor.Redact("?sort=name&page=2"));
    }
}
