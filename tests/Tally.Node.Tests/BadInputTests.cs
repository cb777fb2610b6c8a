using System.Text;

namespace Tally.Node.Tests;

/// <summary>Every class of bad input gets the right status, a ProblemDetails body that says what is wrong, and
/// changes nothing (no append, no count).</summary>
public sealed class BadInputTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string, int, string> Cases => new()
    {
        // name, path, body, status, a word the detail must contain
        { "malformed JSON", "/videos/v1/views", """{"amount": """, 400, "JSON" },
        { "not an object", "/videos/v1/views", "[1]", 400, "JSON" },
        { "wrong type", "/videos/v1/views", """{"amount": "three"}""", 400, "amount" },
        { "null amount", "/videos/v1/views", """{"amount": null}""", 400, "amount" },
        { "fraction", "/videos/v1/views", """{"amount": 1.5}""", 400, "amount" },
        { "amount zero", "/videos/v1/views", """{"amount": 0}""", 400, "1 to 1,000,000" },
        { "negative amount", "/videos/v1/views", """{"amount": -3}""", 400, "1 to 1,000,000" },
        { "amount too large", "/videos/v1/views", """{"amount": 1000001}""", 400, "1 to 1,000,000" },
        { "amount overflows", "/videos/v1/views", """{"amount": 99999999999999999999999}""", 400, "amount" },
        { "unknown property", "/videos/v1/views", """{"amount": 1, "extra": true}""", 400, "extra" },
        { "duplicate property", "/videos/v1/views", """{"amount": 1, "amount": 2}""", 400, "amount" },
        { "trailing content", "/videos/v1/views", """{"amount": 1} {}""", 400, "JSON" },
        { "invalid video id", "/videos/bad%20id/views", "", 400, "video id" },
        { "video id too long", "/videos/" + new string('v', 129) + "/views", "", 400, "1-128" },
        { "invalid video id on read", "/videos/%C3%A9t%C3%A9", "", 400, "video id" },
        { "total not a number", "/videos/v1/total", """{"total": "x"}""", 400, "total" },
        { "negative total", "/videos/v1/total", """{"total": -1}""", 400, "total" },
        { "total overflows", "/videos/v1/total", """{"total": 18446744073709551616}""", 400, "total" },
        { "total past set_to's limit", "/videos/v1/total", """{"total": 1000000000000001}""", 400, "1000000000000000" },
        { "total at 2^64-1", "/videos/v1/total", """{"total": 18446744073709551615}""", 400, "10^15" },
        { "total missing", "/videos/v1/total", "{}", 400, "total" },
        { "batch missing views", "/views", "{}", 400, "views" },
        { "batch empty", "/views", """{"views": []}""", 400, "at least one" },
        { "batch bad video", "/views", """{"views": [{"videoId": "ok"}, {"videoId": "no way"}]}""", 400, "video id" },
        { "batch bad amount", "/views", """{"views": [{"videoId": "ok", "amount": 0}]}""", 400, "views[0].amount" },
        { "batch too many", "/views", "{\"views\": [" + string.Join(',', Enumerable.Repeat("""{"videoId":"v"}""", 101)) + "]}", 400, "at most 100" },
        { "batch too large", "/views", "{\"views\": [" + string.Join(',', Enumerable.Repeat("""{"videoId":"v","amount":1}""", 3000)) + "]}", 413, "limit" },
        { "oversized body", "/videos/v1/views", "{\"amount\": 1" + new string(' ', 5000) + "}", 413, "4,096" },
        { "unknown route", "/nowhere", "", 404, "No route matches POST /nowhere" },
        { "wrong method", "/cluster", "", 405, "allowed: GET" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BadRequest_AnswersProblem_AndChangesNothing(string name, string path, string body, int status, string detailWord)
    {
        await using var node = await InProcessNode.StartAsync();
        var appends = node.Store.Appends;
        var method = path.EndsWith("/total", StringComparison.Ordinal) ? HttpMethod.Put
            : path.StartsWith("/videos/%C3", StringComparison.Ordinal) ? HttpMethod.Get : HttpMethod.Post;
        using var request = method == HttpMethod.Put
            ? node.Admin(method, path) // set_to is an operator action
            : new HttpRequestMessage(method, path);
        request.Content = body.Length == 0 ? null : new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await node.Client.SendAsync(request, Ct);
        var detail = await response.AssertProblemAsync(status);

        Assert.True(detail.Contains(detailWord, StringComparison.OrdinalIgnoreCase), $"{name}: the detail must mention '{detailWord}': {detail}");
        Assert.True(node.Store.Appends == appends, $"{name}: a bad request must not write anything");
        var page = await node.Client.GetJsonAsync("/videos");
        Assert.True(page.GetProperty("known").GetInt32() == 0, $"{name}: a bad request must not count anything");
    }

    [Fact]
    public async Task RecordView_Answers415_ForNonJsonBody()
    {
        await using var node = await InProcessNode.StartAsync();
        using var response = await node.Client.PostAsync("/videos/v1/views", new StringContent("amount=3", Encoding.UTF8, "text/plain"), Ct);

        Assert.Contains("application/json", await response.AssertProblemAsync(415));
        Assert.Equal(0, (await node.Client.GetJsonAsync("/videos")).GetProperty("known").GetInt32());
    }

    [Fact]
    public async Task RecordView_Answers400_ForInvalidIdempotencyKey()
    {
        await using var node = await InProcessNode.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/videos/v1/views");
        request.Headers.TryAddWithoutValidation("Idempotency-Key", new string('k', 300));
        using var response = await node.Client.SendAsync(request, Ct);

        Assert.Contains("Idempotency-Key", await response.AssertProblemAsync(400));
    }

    [Fact]
    public async Task ListVideos_Answers400_ForBadLimitOrCursor()
    {
        await using var node = await InProcessNode.StartAsync();
        foreach (var query in new[] { "limit=0", "limit=abc", "limit=1001", "after=%20" })
        {
            using var response = await node.Client.GetAsync($"/videos?{query}", Ct);
            await response.AssertProblemAsync(400);
        }
    }
}
