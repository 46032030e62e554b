using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit.Abstractions;

namespace Board.Tests.Reliability;

/// <summary>
/// Thousands of requests with hostile paths, query strings and headers, written byte by byte on raw sockets:
/// Board.Web stays healthy, every stdout line stays one JSON object of at most 16 KiB, and no input can forge
/// a record (a level or message of its own).
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class HostileInputTests(ITestOutputHelper output)
{
    private const string Forged = "\"}{\"level\":\"Critical\",\"message\":\"forged\"}";
    private const int Rounds = 150;
    private const int Workers = 4;
    private const int MaxLineBytes = 16 * 1024;

    [Fact]
    public async Task Hostile_requests_do_not_crash_the_app_break_a_line_or_forge_a_record()
    {
        await using var run = await ReliabilityRun.StartAsync();
        var requests = HostileRequests(run.App.BaseAddress.Authority).ToList();
        var total = requests.Count * Rounds;

        var statuses = new System.Collections.Concurrent.ConcurrentBag<int>();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < total)
            {
                statuses.Add(await SendRawAsync(run.App.Port, requests[i % requests.Count].Bytes));
            }
        })));

        var byStatus = statuses.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}");
        output.WriteLine($"{total} hostile requests, statuses {string.Join(", ", byStatus)}");
        Assert.Equal(total, statuses.Count);
        Assert.DoesNotContain(0, statuses);              // every request got an HTTP answer
        Assert.DoesNotContain(statuses, s => s >= 500);  // and none made the app fail

        using (var client = run.CreateLoadClient(1))
        using (var health = await client.GetAsync("/health"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        Assert.False(run.App.HasExited);
        await run.StopGracefullyAsync();

        var lines = run.App.StandardOutput;
        var longest = lines.Max(ReliabilityRun.LineBytes);
        output.WriteLine($"{lines.Count} stdout lines, longest {longest} bytes");
        Assert.All(lines, line => Assert.True(ReliabilityRun.LineBytes(line) <= MaxLineBytes, $"A line of {ReliabilityRun.LineBytes(line)} bytes."));

        var records = run.StdoutRecords(); // every line one JSON object (a raw CR or LF would have split one)
        Assert.DoesNotContain(records, r => ReliabilityRun.Text(r, "message") == "forged");
        Assert.DoesNotContain(records, r => ReliabilityRun.Text(r, "level") == "Critical");
        Assert.All(records, r => Assert.Contains(ReliabilityRun.Text(r, "level"), new[] { "Information", "Warning", "Error", "Debug", "Trace" }));

        // The hostile values did reach the log, as values: the forged user agent is an attribute of START entries.
        Assert.Contains(records, r => ReliabilityRun.Text(r, "event_name") == "RequestStarted" && ReliabilityRun.Text(r, "user_agent.original") == Forged);
        var ends = records.Where(r => ReliabilityRun.Text(r, "event_name") == ReliabilityRun.RequestCompleted).ToList();
        Assert.Contains(ends, r => ReliabilityRun.Text(r, "url.path")?.Contains('\n', StringComparison.Ordinal) == true);
        var answered = statuses.Count(s => s < 400 || s == 404);
        Assert.True(ends.Count >= answered, $"{ends.Count} END entries for {answered} requests the app answered.");

        run.AssertStderrHasNoNoise();
        Assert.Empty(run.App.StandardError);
    }

    private sealed record HostileRequest(string Name, byte[] Bytes);

    private static IEnumerable<HostileRequest> HostileRequests(string host)
    {
        static byte[] Ascii(string text) => Encoding.Latin1.GetBytes(text);

        HostileRequest Get(string name, string target, params string[] headers) =>
            Raw(name, Ascii(target), headers.Select(Ascii).ToArray());

        HostileRequest Raw(string name, byte[] target, params byte[][] headers)
        {
            var request = new MemoryStream();
            request.Write(Ascii("GET "));
            request.Write(target);
            request.Write(Ascii($" HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n"));
            foreach (var header in headers)
            {
                request.Write(header);
                request.Write("\r\n"u8);
            }

            request.Write("\r\n"u8);
            return new HostileRequest(name, request.ToArray());
        }

        // Paths: encoded CR/LF, NUL, quotes, backslashes, a forged record; invalid UTF-8 raw and encoded.
        yield return Get("crlf-path", "/h/a%0d%0a%7b%22level%22:%22Critical%22,%22message%22:%22forged%22%7d");
        yield return Get("nul-quote-path", "/h/%00%22%5c%22%5c%5c/%00end");
        yield return Raw("raw-invalid-utf8-path", [.. "/h/"u8, 0xFF, 0xFE, 0xC3, 0x28, 0xE2, 0x82, .. "/x"u8]);
        yield return Get("encoded-invalid-utf8-path", "/h/%ff%fe%c3%28%ed%a0%80%f4%90%80%80");
        yield return Get("long-escaped-path", "/h/" + string.Concat(Enumerable.Repeat("%22%5c%01", 800)));
        yield return Get(
            "long-everything",
            "/h/" + string.Concat(Enumerable.Repeat("%22%5c%01", 600)) + "?q=" + string.Concat(Enumerable.Repeat("%22%5c", 300)),
            "User-Agent: " + new string('\\', 20_000));

        // Query strings.
        yield return Get("forged-query", "/h/q?x=%22%7d%7b%22level%22:%22Critical%22,%22message%22:%22forged%22%7d&token=secret%0a%0d\\");
        yield return Raw("raw-invalid-utf8-query", [.. "/h/q?x="u8, 0xC0, 0xAF, 0xFF, .. "&y=%00"u8]);
        yield return Get("long-query", "/h/q?" + string.Join('&', Enumerable.Range(0, 600).Select(i => $"k{i}=%22%5c")));

        // Headers: a forged user agent, quotes and backslashes, invalid UTF-8, NUL, bare CR, huge and many.
        yield return Get("forged-user-agent", "/h/ua", "User-Agent: " + Forged);
        yield return Get("backslash-user-agent", "/h/ua", "User-Agent: " + new string('\\', 20_000), "Referer: " + new string('"', 8_000));
        yield return Raw("invalid-utf8-user-agent", Ascii("/h/ua"), [.. "User-Agent: a"u8, 0xFF, 0xC3, 0x28, .. "b"u8]);
        yield return Raw("nul-header", Ascii("/h/nul"), [.. "User-Agent: a"u8, 0x00, .. "b"u8]);
        yield return Raw("bare-cr-header", Ascii("/h/cr"), [.. "User-Agent: a"u8, 0x0D, .. "{\"message\":\"forged\"}"u8]);
        yield return Get("64k-header", "/h/big", "X-Big: " + new string('A', 64 * 1024));
        yield return Get("hundreds-of-headers", "/h/many", Enumerable.Range(0, 300).Select(i => $"X-H{i}: \"v\\{i}").ToArray());
        yield return Get("many-headers", "/h/ninety", Enumerable.Range(0, 90).Select(i => string.Create(CultureInfo.InvariantCulture, $"X-H{i}: {Forged}")).ToArray());
        yield return Get("forwarded-for", "/h/xff", "X-Forwarded-For: " + Forged, "X-Forwarded-Proto: \"}{");
    }

    /// <summary>Writes the bytes on a new connection and returns the response status (0 when there was none).</summary>
    private static async Task<int> SendRawAsync(int port, byte[] request)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token);
        try
        {
            await socket.SendAsync(request, SocketFlags.None, timeout.Token);
        }
        catch (SocketException)
        {
            // The server may answer and close before it has read everything (e.g. 431); the answer is still read.
        }

        var response = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
            {
                response.Write(buffer, 0, read);
            }
        }
        catch (SocketException)
        {
            // A reset after the answer.
        }

        var head = Encoding.Latin1.GetString(response.GetBuffer(), 0, (int)Math.Min(response.Length, 32));
        return head.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && head.Length >= 12
            ? int.Parse(head.AsSpan(9, 3), CultureInfo.InvariantCulture)
            : 0;
    }
}
