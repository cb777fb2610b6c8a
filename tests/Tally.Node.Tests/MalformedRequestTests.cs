using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Tally.Node.Tests;

/// <summary>Requests only a real HTTP parser sees, sent as raw bytes to a node on Kestrel. Those that reach the node get
/// ProblemDetails and change nothing; those Kestrel rejects before any middleware runs get Kestrel's status with an
/// empty body (Kestrel offers no hook for that body; docs/architecture.md, Errors, lists them). Either way nothing
/// changes.</summary>
public sealed class MalformedRequestTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    const string BatchBody = """{"views":[{"videoId":"v1"}]}""";

    /// <summary>Sends <paramref name="request"/> on a new connection and reads until the server closes it.</summary>
    static async Task<(int Status, string Head, string Body)> RawAsync(InProcessNode node, byte[] request)
    {
        var uri = new Uri(node.Url!);
        using var client = new TcpClient();
        await client.ConnectAsync(uri.Host, uri.Port, Ct);
        var stream = client.GetStream();
        await stream.WriteAsync(request, Ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, timeout.Token);
        var text = Encoding.UTF8.GetString(buffer.ToArray());
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(split > 0, $"the server must answer with a status line and headers; got: {text}");
        var head = text[..split];
        var status = int.Parse(head.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var body = text[(split + 4)..];
        if (head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Unchunk(body);
        }
        return (status, head, body);
    }

    static string Unchunk(string chunked)
    {
        var result = new StringBuilder();
        var at = 0;
        while (true)
        {
            var line = chunked.IndexOf("\r\n", at, StringComparison.Ordinal);
            var size = Convert.ToInt32(chunked[at..line], 16);
            if (size == 0)
            {
                return result.ToString();
            }
            result.Append(chunked, line + 2, size);
            at = line + 2 + size + 2;
        }
    }

    static byte[] Request(string method, string target, string? body = null, string extraHeaders = "")
    {
        var head = $"{method} {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{extraHeaders}";
        if (body is not null)
        {
            head += $"Content-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n";
        }
        return Encoding.UTF8.GetBytes(head + "\r\n" + (body ?? ""));
    }

    static async Task AssertNothingChangedAsync(InProcessNode node, string name)
    {
        Assert.True(node.Store.Appends == 0, $"{name}: nothing may be written");
        Assert.True((await node.Client.GetJsonAsync("/videos")).GetProperty("known").GetInt32() == 0, $"{name}: nothing may be counted");
    }

    public static TheoryData<string, string, string, string?, string> ReachTheNode => new()
    {
        // name, method, raw target, body, a word the detail must contain
        { "dot-dot into the batch route", "POST", "/videos/../views", BatchBody, "'..'" },
        { "encoded dot-dot into the batch route", "POST", "/videos/%2E%2E/views", BatchBody, "'..'" },
        { "mixed encoded dot-dot", "POST", "/videos/.%2e/views", BatchBody, "'..'" },
        { "dot segment", "POST", "/videos/./v1/views", """{"amount":1}""", "'.'" },
        { "dot-dot after a route", "POST", "/videos/v1/views/..", """{"amount":1}""", "'..'" },
        { "control byte in the path", "POST", "/videos/a\u0001b/views", """{"amount":1}""", "video id" },
        { "encoded bytes that are not UTF-8", "POST", "/videos/%FF%FE/views", """{"amount":1}""", "video id" },
        { "encoded slash in a video id", "POST", "/videos/a%2Fb/views", """{"amount":1}""", "video id" },
    };

    [Theory]
    [MemberData(nameof(ReachTheNode))]
    public async Task MalformedRequest_AnswersProblemAndChangesNothing_WhenItReachesTheNode(string name, string method, string target, string? body, string word)
    {
        await using var node = await InProcessNode.StartAsync(kestrel: true);
        var (status, head, text) = await RawAsync(node, Request(method, target, body));

        Assert.True(status is 400 or 404, $"{name}: expected 400 or 404, got {status}: {head}\n{text}");
        Assert.Contains("Content-Type: application/problem+json", head, StringComparison.OrdinalIgnoreCase);
        var detail = JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString()!;
        Assert.True(detail.Contains(word, StringComparison.OrdinalIgnoreCase), $"{name}: the detail must mention {word}: {detail}");
        await AssertNothingChangedAsync(node, name);
    }

    [Fact]
    public async Task MalformedChunkedBody_AnswersProblem_AndChangesNothing()
    {
        await using var node = await InProcessNode.StartAsync(kestrel: true);
        var request = Encoding.ASCII.GetBytes(
            "POST /videos/v1/views HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
        var (status, head, text) = await RawAsync(node, request);

        Assert.Equal(400, status);
        Assert.Contains("application/problem+json", head, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("chunk", JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString()!, StringComparison.OrdinalIgnoreCase);
        await AssertNothingChangedAsync(node, "bad chunk");
    }

    public static TheoryData<string, string, int> KestrelRejects => new()
    {
        // name, raw request, the status Kestrel answers with
        { "%00 in the path", "POST /videos/a%00b/views HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n", 400 },
        { "raw bytes that are not UTF-8 in the path", "POST /videos/\u00ff\u00fe/views HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n", 400 },
        { "duplicate Content-Length", "POST /videos/v1/views HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 12\r\nContent-Length: 13\r\n\r\n{\"amount\":5}", 400 },
        { "no Host header", "POST /videos/v1/views HTTP/1.1\r\nContent-Length: 0\r\n\r\n", 400 },
        { "headers too large", "POST /videos/v1/views HTTP/1.1\r\nHost: localhost\r\nX-Big: " + new string('a', 40_000) + "\r\nContent-Length: 0\r\n\r\n", 431 },
        { "request line too long", "POST /videos/" + new string('v', 10_000) + "/views HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n", 414 },
        { "unknown HTTP version", "POST /videos/v1/views HTTP/9.9\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n", 505 },
    };

    [Theory]
    [MemberData(nameof(KestrelRejects))]
    public async Task MalformedRequest_GetsKestrelsStatusWithoutBody_AndChangesNothing_WhenKestrelRejectsItFirst(string name, string request, int expected)
    {
        await using var node = await InProcessNode.StartAsync(kestrel: true);
        var (status, head, body) = await RawAsync(node, Encoding.Latin1.GetBytes(request)); // one byte per char, as written

        Assert.True(status == expected, $"{name}: expected {expected}, got {status}: {head}");
        // Kestrel writes this answer itself, before any middleware: no ProblemDetails can be added (documented). If a
        // later Kestrel lets the node see it, this fails and the node should answer ProblemDetails instead.
        Assert.True(body.Length == 0, $"{name}: Kestrel's own rejection has an empty body; got {body}");
        await AssertNothingChangedAsync(node, name);
    }
}
