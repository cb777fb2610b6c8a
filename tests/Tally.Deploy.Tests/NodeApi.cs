using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Tally.Deploy.Tests;

/// <summary>A node's HTTP API through its published port on 127.0.0.1.</summary>
sealed class NodeApi(HttpClient client, string name, string url)
{
    public string Name { get; } = name;

    public string Url { get; } = url;

    static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async Task<bool> IsHealthyAsync()
    {
        using var response = await client.GetAsync($"{Url}/health", Ct);
        return response.StatusCode == HttpStatusCode.OK;
    }

    /// <summary>Ids of the members this node sees as alive, itself included.</summary>
    public async Task<HashSet<string>> AliveMembersAsync()
    {
        using var document = JsonDocument.Parse(await client.GetStringAsync($"{Url}/cluster", Ct));
        return [.. document.RootElement.GetProperty("members").EnumerateArray()
            .Where(m => m.GetProperty("status").GetString() == "alive")
            .Select(m => m.GetProperty("id").GetString()!)];
    }

    public async Task<string> IdAsync()
    {
        using var document = JsonDocument.Parse(await client.GetStringAsync($"{Url}/cluster", Ct));
        return document.RootElement.GetProperty("nodeId").GetString()!;
    }

    /// <summary>Sends <paramref name="amount"/> views; true only for a 200 (an acknowledged view).</summary>
    public async Task<bool> SendViewsAsync(string video, ulong amount)
    {
        using var content = new StringContent($$"""{"amount": {{amount}}}""", Encoding.UTF8, "application/json");
        using var response = await client.PostAsync($"{Url}/videos/{video}/views", content, Ct);
        return response.StatusCode == HttpStatusCode.OK;
    }

    /// <summary>(total, count) of the video at this node.</summary>
    public async Task<(ulong Total, ulong Count)> VideoAsync(string video)
    {
        using var document = JsonDocument.Parse(await client.GetStringAsync($"{Url}/videos/{video}", Ct));
        return (document.RootElement.GetProperty("total").GetUInt64(), document.RootElement.GetProperty("count").GetUInt64());
    }

    public static HttpClient NewClient() => new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(5) })
    {
        Timeout = TimeSpan.FromSeconds(10),
        DefaultRequestHeaders = { Accept = { new MediaTypeWithQualityHeaderValue("application/json") } },
    };
}
