using System.Net.Http.Headers;
using System.Text;

namespace Tally.Node.Tests;

/// <summary>Every route that takes input x every kind of bad input: a 4xx ProblemDetails, and nothing changes (no
/// append, no video, the state's version unchanged). Generated as a table so that a new route or rule is covered the
/// same way.</summary>
public sealed class RouteValidationTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    const string Json = "application/json";

    /// <summary>name, method, path, content type (null: none), body (null: none), expected status, a word the detail must contain.</summary>
    public static TheoryData<string, string, string, string?, string?, int, string> Cases()
    {
        var data = new TheoryData<string, string, string, string?, string?, int, string>();
        string[] badAmounts = ["0", "-1", "-1000000", "1000001", "9223372036854775807", "99999999999999999999", "1.5", "1e3", "\"1\"", "null", "true", "[]", "{}"];
        foreach (var amount in badAmounts)
        {
            data.Add($"single amount {amount}", "POST", "/videos/v1/views", Json, $$"""{"amount":{{amount}}}""", 400, "amount");
            data.Add($"batch amount {amount}", "POST", "/views", Json, $$"""{"views":[{"videoId":"v1","amount":{{amount}}}]}""", 400, "amount");
            data.Add($"batch second amount {amount}", "POST", "/views", Json, $$"""{"views":[{"videoId":"ok","amount":1},{"videoId":"v1","amount":{{amount}}}]}""", 400, "amount");
        }
        foreach (var total in new[] { "-1", "1.5", "\"1\"", "null", "true", "18446744073709551616", "[]" })
        {
            data.Add($"total {total}", "PUT", "/videos/v1/total", Json, $$"""{"total":{{total}}}""", 400, "total");
        }
        // Property names match exactly as documented.
        data.Add("single Amount", "POST", "/videos/v1/views", Json, """{"Amount":5}""", 400, "Amount");
        data.Add("batch Views", "POST", "/views", Json, """{"Views":[{"videoId":"v1"}]}""", 400, "Views");
        data.Add("batch VideoId", "POST", "/views", Json, """{"views":[{"VideoId":"v1"}]}""", 400, "VideoId");
        data.Add("batch AMOUNT", "POST", "/views", Json, """{"views":[{"videoId":"v1","AMOUNT":2}]}""", 400, "AMOUNT");
        data.Add("total Total", "PUT", "/videos/v1/total", Json, """{"Total":5}""", 400, "Total");
        data.Add("faults Drop", "POST", "/admin/faults", Json, """{"Drop":[]}""", 400, "Drop");
        // A body of JSON null, and a missing body where one is required.
        data.Add("single null", "POST", "/videos/v1/views", Json, "null", 400, "null");
        data.Add("batch null", "POST", "/views", Json, "null", 400, "null");
        data.Add("total null", "PUT", "/videos/v1/total", Json, "null", 400, "null");
        data.Add("faults null", "POST", "/admin/faults", Json, "null", 400, "null");
        data.Add("batch missing", "POST", "/views", null, null, 400, "views");
        data.Add("total missing", "PUT", "/videos/v1/total", null, null, 400, "total");
        data.Add("faults missing", "POST", "/admin/faults", null, null, 400, "drop");
        // A JSON body needs a JSON content type.
        foreach (var (route, method, body) in new[]
                 {
                     ("/videos/v1/views", "POST", """{"amount":5}"""), ("/views", "POST", """{"views":[{"videoId":"v1"}]}"""),
                     ("/videos/v1/total", "PUT", """{"total":5}"""), ("/admin/faults", "POST", """{"drop":[]}"""),
                 })
        {
            data.Add($"{route} without content type", method, route, null, body, 415, "Content-Type: application/json");
            data.Add($"{route} as text/plain", method, route, "text/plain", body, 415, "application/json");
            data.Add($"{route} as text/jsonish", method, route, "text/jsonish", body, 415, "application/json");
            data.Add($"{route} unknown property", method, route, Json, body[..^1] + ""","extra":1}""", 400, "extra");
            data.Add($"{route} trailing content", method, route, Json, body + " {}", 400, "JSON");
            data.Add($"{route} malformed", method, route, Json, body[..^2], 400, "JSON");
            data.Add($"{route} array", method, route, Json, "[" + body + "]", 400, "JSON");
        }
        data.Add("single duplicate", "POST", "/videos/v1/views", Json, """{"amount":1,"amount":2}""", 400, "amount");
        data.Add("batch duplicate", "POST", "/views", Json, """{"views":[{"videoId":"v1","videoId":"v2"}]}""", 400, "videoId");
        data.Add("total duplicate", "PUT", "/videos/v1/total", Json, """{"total":1,"total":2}""", 400, "total");
        // Bad video ids, in the path and in a batch.
        foreach (var id in new[] { "bad%20id", "-leading", "%C3%A9", new string('v', 129), "a%2Fb" })
        {
            data.Add($"single video {id}", "POST", $"/videos/{id}/views", Json, """{"amount":1}""", 400, "video id");
            data.Add($"total video {id}", "PUT", $"/videos/{id}/total", Json, """{"total":1}""", 400, "video id");
            data.Add($"read video {id}", "GET", $"/videos/{id}", null, null, 400, "video id");
        }
        foreach (var id in new[] { "bad id", "-leading", "é", new string('v', 129), "", "null" })
        {
            var value = id == "null" ? "null" : $"\"{id}\"";
            data.Add($"batch video {id}", "POST", "/views", Json, $$"""{"views":[{"videoId":"ok"},{"videoId":{{value}}}]}""", 400, "views[1].videoId");
        }
        data.Add("batch entry null", "POST", "/views", Json, """{"views":[{"videoId":"ok"},null]}""", 400, "views[1]");
        data.Add("batch empty", "POST", "/views", Json, """{"views":[]}""", 400, "at least one");
        data.Add("batch too many", "POST", "/views", Json, "{\"views\":[" + string.Join(',', Enumerable.Repeat("""{"videoId":"v1"}""", 101)) + "]}", 400, "at most 100");
        data.Add("single too large", "POST", "/videos/v1/views", Json, "{\"amount\":1" + new string(' ', 5000) + "}", 413, "4,096");
        data.Add("total too large", "PUT", "/videos/v1/total", Json, "{\"total\":1" + new string(' ', 5000) + "}", 413, "4,096");
        data.Add("faults not a member", "POST", "/admin/faults", Json, """{"drop":["not a url"]}""", 400, "not a known member");
        data.Add("list bad limit", "GET", "/videos?limit=0", null, null, 400, "limit");
        data.Add("list bad after", "GET", "/videos?after=%20", null, null, 400, "video id");
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Route_AnswersProblemAndChangesNothing_ForBadInput(string name, string method, string path, string? contentType, string? body, int status, string word)
    {
        await using var node = await InProcessNode.StartAsync();
        var before = await node.Client.GetJsonAsync("/cluster");
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            request.Content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
        }
        if (path.StartsWith("/admin/", StringComparison.Ordinal) || path.EndsWith("/total", StringComparison.Ordinal)) // set_to is an operator action
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", InProcessNode.AdminToken);
        }
        using var response = await node.Client.SendAsync(request, Ct);
        var detail = await response.AssertProblemAsync(status);

        Assert.True(detail.Contains(word, StringComparison.OrdinalIgnoreCase), $"{name}: the detail must mention '{word}': {detail}");
        var after = await node.Client.GetJsonAsync("/cluster");
        Assert.True(node.Store.Appends == 0, $"{name}: a bad request must not write anything");
        Assert.True(before.GetProperty("version").GetInt64() == after.GetProperty("version").GetInt64(), $"{name}: a bad request must not change the state");
        Assert.True((await node.Client.GetJsonAsync("/videos")).GetProperty("known").GetInt32() == 0, $"{name}: a bad request must not count anything");
        using var faults = await node.Client.SendAsync(node.Admin(HttpMethod.Get, "/admin/faults"), Ct);
        Assert.Empty((await faults.ReadJsonAsync()).GetProperty("drop").EnumerateArray());
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/plain")]
    public async Task Gossip_Answers415NamingOctetStream_ForAnotherContentType(string contentType)
    {
        await using var node = await InProcessNode.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/internal/gossip") { Content = new StringContent("{}", Encoding.UTF8, contentType) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", InProcessNode.ClusterKey);
        using var response = await node.Client.SendAsync(request, Ct);
        var detail = await response.AssertProblemAsync(415);

        Assert.Contains("application/octet-stream", detail);
        Assert.Contains(contentType, detail);
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/problem+json")]
    [InlineData("APPLICATION/JSON")]
    public async Task RecordView_TakesJsonBody_WithAnyJsonContentType(string contentType)
    {
        await using var node = await InProcessNode.StartAsync();
        using var content = new ByteArrayContent("""{"amount":2}"""u8.ToArray());
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var response = await node.Client.PostAsync("/videos/v1/views", content, Ct);

        Assert.True(response.IsSuccessStatusCode, $"{contentType}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        Assert.Equal(2UL, (await response.ReadJsonAsync()).U64("total"));
    }
}
