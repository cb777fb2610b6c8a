using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Tally.Replication;

namespace Tally.Node.Tests;

/// <summary>A node hosted in memory on ASP.NET Core's TestServer (what WebApplicationFactory does, for an app that is
/// built by <see cref="NodeApp"/> rather than by an entry point), with a <see cref="MemoryStateStore"/> unless a test
/// passes another store; or on a real Kestrel on a loopback port (<c>kestrel: true</c>), for requests only a real HTTP
/// parser sees.</summary>
sealed class InProcessNode : IAsyncDisposable
{
    public const string ClusterKey = "test-cluster-key";
    public const string AdminToken = "test-admin-token";

    readonly WebApplication _app;

    readonly IStateStore _store;

    InProcessNode(WebApplication app, IStateStore store, string? url)
    {
        _app = app;
        _store = store;
        Url = url;
        Client = url is null ? app.GetTestClient() : new HttpClient { BaseAddress = new Uri(url) };
    }

    /// <summary>The node's URL when it runs on Kestrel (<c>kestrel: true</c>), for raw TCP requests; else null.</summary>
    public string? Url { get; }

    public MemoryStateStore Store => _store as MemoryStateStore
        ?? throw new InvalidOperationException("This node was started with another store.");

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<InProcessNode> StartAsync(IStateStore? store = null, string id = "n1",
        IEnumerable<KeyValuePair<string, string?>>? settings = null, bool kestrel = false)
    {
        store ??= new MemoryStateStore(new Crdt.CounterMap());
        var all = new Dictionary<string, string?>
        {
            ["Node:Id"] = id,
            ["Node:Listen"] = kestrel ? $"http://127.0.0.1:{Tally.Launcher.FreePorts.Any()}" : "http://127.0.0.1:1",
            ["Node:ClusterKey"] = ClusterKey,
            ["Node:AdminToken"] = AdminToken,
            ["Node:BatchViewsMax"] = "100",
            ["Node:BatchBodyBytesMax"] = "65536",
            ["Replication:GossipInterval"] = "00:00:00.050",
        };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }
        var builder = NodeApp.CreateBuilder(all);
        if (!kestrel)
        {
            builder.WebHost.UseTestServer();
        }
        builder.Services.AddSingleton<IStateStore>(store);
        builder.Services.AddSingleton<IIdentityStore>(store is MemoryStateStore memory ? memory.Identity : new MemoryIdentityStore());
        var app = NodeApp.Build(builder);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new InProcessNode(app, store, kestrel ? all["Node:Listen"] : null);
    }

    public HttpRequestMessage Admin(HttpMethod method, string path, HttpContent? content = null) => new(method, path)
    {
        Content = content,
        Headers = { Authorization = new AuthenticationHeaderValue("Bearer", AdminToken) },
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
