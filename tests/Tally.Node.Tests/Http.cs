using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Tally.Node.Tests;

/// <summary>Small helpers for JSON over HTTP in tests.</summary>
static class Http
{
    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<JsonElement> PostJsonAsync(this HttpClient client, string path, string json)
    {
        using var response = await client.PostAsync(path, Json(json), TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"POST {path} {json} must succeed; got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        return await response.ReadJsonAsync();
    }

    public static async Task<JsonElement> GetJsonAsync(this HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"GET {path} must succeed; got {(int)response.StatusCode}");
        return await response.ReadJsonAsync();
    }

    /// <summary>Asserts the response is ProblemDetails JSON with <paramref name="status"/> and returns its detail.</summary>
    public static async Task<string> AssertProblemAsync(this HttpResponseMessage response, int status)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.True(problem.TryGetProperty("title", out _), "a problem has a title");
        return problem.TryGetProperty("detail", out var detail) ? detail.GetString() ?? "" : "";
    }

    public static ulong U64(this JsonElement element, string property) => element.GetProperty(property).GetUInt64();

    public static Task<JsonElement> ViewAsync(this HttpClient client, string video, int amount = 1) =>
        client.PostJsonAsync($"/videos/{video}/views", $$"""{"amount":{{amount}}}""");
}
