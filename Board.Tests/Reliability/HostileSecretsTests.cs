using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Board.Tests.Otlp;
using Xunit.Abstractions;

namespace Board.Tests.Reliability;

/// <summary>
/// A hostile client with a unique canary in every place a secret or request text can travel: query values under any
/// key spelling, encoding and nesting (and inside the ReturnUrl of Board's own login redirect), forms the server cannot
/// read, bodies that end early, never arrive, are too large or malformed. Counted: canaries on stdout, stderr and at
/// the OTLP receiver (logs and traces) are 0; records at Error or above, and END entries at 5xx, are 0.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class HostileSecretsTests(ITestOutputHelper output)
{
    private const string Marker = "CNRY";
    private const string Lookalike = "\u0430\u0440\u0440\u04cf\u0435"; // "аррӏе", decoded from xn--80ak6aa92e
    private const int Rounds = 3;
    private const int MaxValueLength = 4096; // StructuredLogging:MaxValueLength, the default
    private const char Filler = 'Q';          // long client values are made of it: no sink may hold a longer run
    private const string ChosenTraceId = "c0ffee00c0ffee00c0ffee00c0ffee00";
    private const int Workers = 4;
    private static readonly string[] s_formPaths = ["/Account/Login", "/b/welcome", "/Boards/Create"];

    private int _canaries;

    [Fact]
    public async Task No_canary_reaches_a_sink_and_no_client_can_raise_an_error()
    {
        // server.address, left off a default line, is written here: what a lookalike host becomes is checked on it.
        await using var run = await ReliabilityRun.StartAsync(new Dictionary<string, string?> { ["StructuredLogging__Json__OmitFields__0"] = "event_id" });
        var port = run.App.Port;
        var requests = Enumerable.Range(0, Rounds).SelectMany(_ => HostileRequests()).ToList();

        var statuses = new System.Collections.Concurrent.ConcurrentBag<int>();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests.Count)
            {
                statuses.Add(await requests[i](port));
            }
        })));

        // Forms with a session: every validated field and every redirect Board writes.
        foreach (var status in await new HostileForms(run.App.BaseAddress, Canary).RunAsync())
        {
            statuses.Add(status);
        }

        // Board's own redirect puts the query into ReturnUrl; the client follows it.
        var location = await LoginRedirectAsync(port, $"/Boards/Create?token={Canary()}");
        Assert.StartsWith("/Account/Login?ReturnUrl=", location, StringComparison.Ordinal);
        statuses.Add(await SendAsync(port, Get(location)));

        using (var client = run.CreateLoadClient(1))
        using (var health = await client.GetAsync("/health"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        await run.StopGracefullyAsync();

        var records = run.StdoutRecords();
        var ends = records.Where(r => ReliabilityRun.Text(r, "event_name") == ReliabilityRun.RequestCompleted).ToList();
        var stdoutCanaries = run.App.StandardOutput.Count(l => l.Contains(Marker, StringComparison.OrdinalIgnoreCase));
        var stderrCanaries = run.App.StandardError.Count(l => l.Contains(Marker, StringComparison.OrdinalIgnoreCase));
        var otlpCanaries = run.Receiver.Payloads.Count(p => Encoding.UTF8.GetString(p.Body).Contains(Marker, StringComparison.OrdinalIgnoreCase));
        var errors = records.Where(r => ReliabilityRun.Text(r, "level") is "Error" or "Critical").ToList();
        var serverErrorEnds = ends.Count(r => ReliabilityRun.Number(r, "http.response.status_code") >= 500);
        var byStatus = statuses.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}");
        output.WriteLine($"{statuses.Count} requests with {_canaries} canaries; statuses {string.Join(", ", byStatus)}");
        output.WriteLine($"canaries: stdout {stdoutCanaries}, stderr {stderrCanaries}, OTLP payloads {otlpCanaries}; " +
            $"Error records {errors.Count}, 5xx END entries {serverErrorEnds}, END entries {ends.Count}");
        foreach (var line in run.App.StandardOutput.Where(l => l.Contains(Marker, StringComparison.OrdinalIgnoreCase)).Take(5))
        {
            output.WriteLine(line);
        }

        foreach (var error in errors.Take(5))
        {
            output.WriteLine(error.ToString());
        }

        // The longest client value in each sink, and the client's trace id (as hex on stdout, as bytes in OTLP).
        var longestStdout = run.App.StandardOutput.Select(l => LongestRun(Encoding.UTF8.GetBytes(l))).DefaultIfEmpty().Max();
        var longestStderr = run.App.StandardError.Select(l => LongestRun(Encoding.UTF8.GetBytes(l))).DefaultIfEmpty().Max();
        var longestLogs = run.Receiver.Payloads.Where(p => p.Signal == OtlpSignal.Logs).Select(p => LongestRun(p.Body)).DefaultIfEmpty().Max();
        var longestSpans = run.Receiver.Payloads.Where(p => p.Signal == OtlpSignal.Traces).Select(p => LongestRun(p.Body)).DefaultIfEmpty().Max();
        var chosenTraceIdBytes = Convert.FromHexString(ChosenTraceId);
        var chosenTraceIds = run.App.StandardOutput.Count(l => l.Contains(ChosenTraceId, StringComparison.Ordinal))
            + run.Receiver.Payloads.Count(p => p.Body.AsSpan().IndexOf(chosenTraceIdBytes) >= 0);
        output.WriteLine($"longest client value: stdout {longestStdout}, stderr {longestStderr}, OTLP logs {longestLogs}, spans {longestSpans}; " +
            $"records or payloads with the client's trace id {chosenTraceIds}");

        Assert.DoesNotContain(statuses, s => s >= 500);
        Assert.Equal(0, chosenTraceIds);
        Assert.InRange(longestStdout, 1, MaxValueLength);
        Assert.InRange(longestStderr, 0, MaxValueLength);
        Assert.InRange(longestLogs, 1, MaxValueLength);
        Assert.InRange(longestSpans, 1, MaxValueLength);
        Assert.Equal(0, stdoutCanaries);
        Assert.Equal(0, stderrCanaries);
        Assert.Equal(0, otlpCanaries);
        Assert.Empty(errors);
        Assert.Equal(0, serverErrorEnds);
        Assert.DoesNotContain(records, r => ReliabilityRun.Text(r, "logger") == "Microsoft.AspNetCore.Diagnostics.ExceptionHandlerMiddleware");
        Assert.DoesNotContain(run.App.StandardOutput, l => l.Contains(Lookalike, StringComparison.Ordinal));
        Assert.Contains(records, r => ReliabilityRun.Text(r, "server.address") == "xn--80ak6aa92e.com");
        Assert.Contains(records, r => ReliabilityRun.Text(r, "url.query") == "ReturnUrl=REDACTED");
        Assert.Contains(ends, r => ReliabilityRun.Number(r, "http.response.status_code") == 499 && ReliabilityRun.Text(r, "level") == "Warning");
        Assert.DoesNotContain(ends, r => r.TryGetProperty("exception.type", out _) && ReliabilityRun.Number(r, "http.response.status_code") < 500);
    }

    /// <summary>The longest run of <see cref="Filler"/> bytes: the longest long client value the text or payload holds.</summary>
    private static int LongestRun(byte[] bytes)
    {
        int longest = 0, run = 0;
        foreach (var b in bytes)
        {
            run = b == (byte)Filler ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        return longest;
    }

    private string Canary() => string.Create(CultureInfo.InvariantCulture, $"{Marker}{Interlocked.Increment(ref _canaries):x4}z");

    private IEnumerable<Func<int, Task<int>>> HostileRequests()
    {
        // Query values under the key spellings secrets were seen under, encoded, nested and without a key.
        string[] keys =
        [
            "token", "auth", "passwd", "pwd", "pass", "apikey", "accessToken", "jwt", "session", "sessionid", "credentials",
            "user[password]", "user%5Bpassword%5D", "password[]", "PASSWORD", "%70wd", "%2574oken", "p%61ss+word", "x.token",
        ];
        foreach (var key in keys)
        {
            var target = $"/b/welcome?page=1&{key}={Canary()}";
            yield return port => SendAsync(port, Get(target));
        }

        var authorization = $"/b/welcome?Authorization=Bearer%20{Canary()}";
        var bare = $"/b/welcome?{Canary()}";
        var afterAllowed = $"/b/welcome?p=1&{Canary()}";
        var keyHoldsValue = $"/b/welcome?token%3D{Canary()}=1";
        var nested = $"/Account/Login?ReturnUrl=%2FBoards%2FCreate%3Ftoken%3D{Canary()}";
        var doubleNested = $"/Account/Login?ReturnUrl=%252Fx%253Fjwt%253D{Canary()}";
        var semicolon = $"/b/welcome?a=1;jwt={Canary()}";
        var inAllowedKeysName = $"/b/welcome?page%00={Canary()}";
        var rawUtf8 = $"/b/welcome?caf\u00e9={Canary()}";
        foreach (var target in new[] { authorization, bare, afterAllowed, keyHoldsValue, nested, doubleNested, semicolon, inAllowedKeysName })
        {
            yield return port => SendAsync(port, Get(target));
        }

        yield return port => SendAsync(port, Encoding.UTF8.GetBytes($"GET {rawUtf8} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));

        // Very long values, a canary past the bound: in the path, the query, the user agent, the referer, a form field.
        var filler = new string(Filler, MaxValueLength + 200);
        yield return port => SendAsync(port, Get($"/b/{filler}{Canary()}"));
        yield return port => SendAsync(port, Get($"/b/welcome?page={filler}{Canary()}"));
        yield return port => SendAsync(port, Get("/b/welcome?" + string.Concat(Enumerable.Repeat("=&", 3000))));
        yield return port => SendAsync(port, Get("/b/welcome?" + string.Concat(Enumerable.Repeat("Q=&", 2000))));
        yield return port => SendAsync(port, Get("/b/welcome", "Host: 127.0.0.1", $"User-Agent: {filler}{Canary()}", $"Referer: http://x/{filler}{Canary()}"));
        yield return port => SendAsync(port, Get("/b/welcome", "Host: 127.0.0.1", "User-Agent: " + string.Concat(Enumerable.Repeat("\u0001Q", 3000))));
        yield return port => SendAsync(port, Post("/Account/Login", "application/x-www-form-urlencoded", $"Input.Email={filler}{Canary()}"));

        // A chosen trace context, and baggage with a canary: believed from no one here.
        var traced = Get("/b/welcome", "Host: 127.0.0.1", $"traceparent: 00-{ChosenTraceId}-c0ffee00c0ffee00-01", "tracestate: k=v",
            $"baggage: k={Canary()}", $"Request-Id: |{ChosenTraceId}.1.");
        yield return port => SendAsync(port, traced);
        var tracedFailure = Get("/Account/Logout?ReturnUrl=%2F%C3%A9", "Host: 127.0.0.1", $"traceparent: 00-{ChosenTraceId}-c0ffee00c0ffee00-00");
        yield return port => SendAsync(port, tracedFailure);
        yield return port => SendAsync(port, Get("/b/welcome", "Host: xn--80ak6aa92e.com"));

        foreach (var path in s_formPaths)
        {
            // A body that ends early: announced 100 bytes, 11 sent, then the connection closes.
            var cutShort = Post(path, "application/x-www-form-urlencoded", $"a={Canary()}", contentLength: 100);
            yield return port => SendAndCloseAsync(port, cutShort);

            // A body that never arrives.
            var none = Post(path, "application/x-www-form-urlencoded", "", contentLength: 100);
            yield return port => SendAndCloseAsync(port, none);

            // A body cut short by a client that still waits for the answer.
            var halfClosed = Post(path, "application/x-www-form-urlencoded", $"a={Canary()}", contentLength: 100);
            yield return port => SendAsync(port, halfClosed, halfClose: true);

            // Larger than the server takes.
            var tooLarge = Post(path, "application/x-www-form-urlencoded", $"a={Canary()}", contentLength: 40_000_000);
            yield return port => SendAsync(port, tooLarge);

            // Multipart the form reader refuses, quoting the client's text in its message.
            var noColon = Post(path, "multipart/form-data; boundary=XX", $"--XX\r\n{Canary()} no colon\r\n\r\nv\r\n--XX--\r\n");
            yield return port => SendAsync(port, noColon);
            var longHeader = Post(path, "multipart/form-data; boundary=XX", $"--XX\r\nX-{Canary()}: {new string('a', 20_000)}\r\n\r\nv\r\n--XX--\r\n");
            yield return port => SendAsync(port, longHeader);
            var noBoundary = Post(path, "multipart/form-data", $"--{Canary()}\r\n\r\n");
            yield return port => SendAsync(port, noBoundary);
            var unterminated = Post(path, "multipart/form-data; boundary=XX", $"--XX\r\nContent-Disposition: form-data; name=\"{Canary()}\"\r\n\r\n{Canary()}");
            yield return port => SendAsync(port, unterminated);
            var multipartCut = Post(path, "multipart/form-data; boundary=XX", $"--XX\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n{Canary()}", contentLength: 500);
            yield return port => SendAndCloseAsync(port, multipartCut);

            // A forged anti-forgery token, a form with a NUL, a chunked body that is malformed or cut short.
            var token = Post(path, "application/x-www-form-urlencoded", $"__RequestVerificationToken={Canary()}&Input.Email={Canary()}%40x.example&Input.Password={Canary()}");
            yield return port => SendAsync(port, token);
            var nul = Post(path, "application/x-www-form-urlencoded", $"Input.Email=%00{Canary()}");
            yield return port => SendAsync(port, nul);
            var badChunk = Chunked(path, $"{Canary()}\r\nabc\r\n0\r\n\r\n");
            yield return port => SendAsync(port, badChunk);
            var chunkCut = Chunked(path, $"40\r\na={Canary()}");
            yield return port => SendAndCloseAsync(port, chunkCut);
            var json = Post(path, "application/json", $"{{\"{Canary()}\":");
            yield return port => SendAsync(port, json);
        }
    }

    private static byte[] Get(string target, string? host = null, params string[] headers) =>
        Encoding.Latin1.GetBytes($"GET {target} HTTP/1.1\r\n{host ?? "Host: 127.0.0.1"}\r\n{string.Concat(headers.Select(h => h + "\r\n"))}Connection: close\r\n\r\n");

    private static byte[] Post(string path, string contentType, string body, int? contentLength = null)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var head = $"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: {contentType}\r\nContent-Length: {contentLength ?? bytes.Length}\r\n\r\n";
        return [.. Encoding.ASCII.GetBytes(head), .. bytes];
    }

    private static byte[] Chunked(string path, string body) =>
        Encoding.ASCII.GetBytes($"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n{body}");

    /// <summary>Sends, waits a moment, and closes without reading: a client that stops half-way through its body.</summary>
    private static async Task<int> SendAndCloseAsync(int port, byte[] request)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        await socket.SendAsync(request, SocketFlags.None);
        await Task.Delay(50);
        return -1;
    }

    private static async Task<string> LoginRedirectAsync(int port, string target)
    {
        var response = await ReceiveAsync(port, Get(target), halfClose: false);
        var location = response.Split("\r\n").First(l => l.StartsWith("Location: ", StringComparison.OrdinalIgnoreCase))["Location: ".Length..];
        return Uri.TryCreate(location, UriKind.Absolute, out var absolute) ? absolute.PathAndQuery : location;
    }

    /// <summary>Writes the bytes on a new connection and returns the response status (0 when there was none).</summary>
    private static async Task<int> SendAsync(int port, byte[] request, bool halfClose = false)
    {
        var head = await ReceiveAsync(port, request, halfClose);
        return head.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && head.Length >= 12
            ? int.Parse(head.AsSpan(9, 3), CultureInfo.InvariantCulture)
            : 0;
    }

    private static async Task<string> ReceiveAsync(int port, byte[] request, bool halfClose)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token);
        var response = new MemoryStream();
        try
        {
            await socket.SendAsync(request, SocketFlags.None, timeout.Token);
            if (halfClose)
            {
                socket.Shutdown(SocketShutdown.Send);
            }

            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
            {
                response.Write(buffer, 0, read);
            }
        }
        catch (SocketException)
        {
            // The server may answer and close before it has read everything (413); what arrived is kept.
        }

        return Encoding.Latin1.GetString(response.GetBuffer(), 0, (int)response.Length);
    }
}
