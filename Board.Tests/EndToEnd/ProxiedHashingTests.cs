using System.Net;

namespace Board.Tests.EndToEnd;

/// <summary>
/// Board.Web behind a configured proxy (StructuredLogging:ForwardedHeaders:KnownProxies = 127.0.0.1) and with a
/// hash key for personal data (StructuredLogging:Redaction:HashKey): what a production deployment behind a load
/// balancer that wants to group a user's records looks like.
/// </summary>
public sealed class ProxiedHashingTests(ProxiedHashingBoardWeb fixture) : IClassFixture<ProxiedHashingBoardWeb>
{
    private const string Password = "Canary-Password-for-hashing-1";
    private static readonly Sink[] s_sinks = [Sink.Stdout, Sink.Otlp];

    [Fact]
    public async Task X_Forwarded_For_from_the_trusted_proxy_sets_client_address_and_the_peer_stays_the_proxy()
    {
        using var client = new FormClient(fixture.App.BaseAddress);
        var marker = BoardWebFixture.NewMarker();
        using (var request = new HttpRequestMessage(HttpMethod.Get, BoardWebFixture.Marked("/", marker)))
        {
            request.Headers.Add("X-Forwarded-For", BoardFlow.ForgedClientAddress);
            using var response = await client.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var logs = await fixture.RequestAsync(marker);
        foreach (var sink in s_sinks)
        {
            var start = logs.Start(sink);
            Assert.Equal(BoardFlow.ForgedClientAddress, start.Text("client.address"));
            Assert.Equal("127.0.0.1", start.Text("network.peer.address"));
            Assert.Null(logs.End(sink).Text("client.address"));
        }
    }

    [Fact]
    public async Task A_hash_key_gives_the_email_one_stable_hash_on_both_sinks_and_across_logins()
    {
        var email = $"Hashed-{Guid.NewGuid():N}@Example.com";
        using var client = new FormClient(fixture.App.BaseAddress);
        using (var register = await client.SubmitFormAsync("/Account/Register", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.DisplayName"] = $"hashed-{Guid.NewGuid():N}"[..19],
            ["Input.Password"] = Password,
            ["Input.ConfirmPassword"] = Password,
        }))
        {
            Assert.Equal(HttpStatusCode.Redirect, register.StatusCode);
        }

        var hashes = new List<string>();
        for (var login = 0; login < 2; login++)
        {
            using (var logout = await client.SubmitFormAsync("/", new Dictionary<string, string>(), "/Account/Logout"))
            {
                Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
            }

            var marker = BoardWebFixture.NewMarker();
            using (var response = await client.SubmitFormAsync(
                "/Account/Login",
                new Dictionary<string, string> { ["Input.Email"] = email, ["Input.Password"] = Password, ["ReturnUrl"] = "" },
                BoardWebFixture.Marked("/Account/Login", marker)))
            {
                Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            }

            var logs = await fixture.RequestAsync(marker);
            foreach (var sink in s_sinks)
            {
                var record = logs.App(sink, BoardFlow.LoginTemplate);
                var hash = record.Text("user.email") ?? "";
                Assert.Matches("^hmac:[0-9a-f]{24}$", hash);
                Assert.Equal($"User {hash} logged in", record.Message);
                hashes.Add(hash);
            }
        }

        Assert.Single(hashes.Distinct());
        foreach (var value in new[] { email, email.ToLowerInvariant(), ProxiedHashingBoardWeb.HashKey, Password })
        {
            Assert.DoesNotContain(fixture.App.Output, l => l.Text.Contains(value, StringComparison.OrdinalIgnoreCase));
            Assert.False(fixture.Receiver.AnyPayloadContains(value), $"'{value}' was exported over OTLP");
        }
    }
}
