using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

using Tally.Launcher;

namespace Tally.Dashboard.Tests;

/// <summary>A stand-in for one node's read API (<c>/cluster</c> with the identity fields of the contract in
/// notes/contracts.md, <c>/videos/{id}</c>, <c>/videos</c>, <c>/metrics</c>) whose answers a test sets. Used only where
/// the real node does not yet give what a test needs (a cluster id), to check the page against that contract.</summary>
sealed class StubNode : IAsyncDisposable
{
    readonly WebApplication _app;
    readonly Lock _lock = new();
    string _clusterId = "";
    string _replicaId = "";
    Dictionary<string, long> _counts = [];

    StubNode(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    /// <summary>What the node answers from now on: its cluster, its replica, and its count per video (its own entry).</summary>
    public void Set(string clusterId, string replicaId, Dictionary<string, long> counts)
    {
        lock (_lock)
        {
            (_clusterId, _replicaId, _counts) = (clusterId, replicaId, new(counts));
        }
    }

    public static async Task<StubNode> StartAsync(string name)
    {
        var port = FreePorts.Any();
        var url = $"http://127.0.0.1:{port}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var stub = new StubNode(app, url);
        app.MapGet("/cluster", () => stub.Cluster(name));
        app.MapGet("/videos/{id}", (string id) => stub.Video(name, id));
        app.MapGet("/videos", () => stub.Videos(name));
        app.MapGet("/metrics", () => Results.Text("# no gossip in a stub\n", "text/plain"));
        await app.StartAsync();
        return stub;
    }

    IResult Cluster(string name)
    {
        lock (_lock)
        {
            var self = new JsonObject
            {
                ["id"] = name, ["name"] = name, ["replicaId"] = _replicaId, ["address"] = Url, ["status"] = "alive",
                ["self"] = true, ["nameConflict"] = false,
            };
            return Results.Json(new JsonObject
            {
                ["nodeId"] = name, ["name"] = name, ["clusterId"] = _clusterId, ["replicaId"] = _replicaId, ["nameConflict"] = false,
                ["address"] = Url, ["phase"] = "ready", ["members"] = new JsonArray(self),
            });
        }
    }

    IResult Video(string name, string id)
    {
        lock (_lock)
        {
            var n = _counts.GetValueOrDefault(id);
            var replicas = new JsonObject();
            if (n > 0)
            {
                replicas[_replicaId] = n;
            }
            return Results.Json(new JsonObject { ["videoId"] = id, ["nodeId"] = name, ["total"] = n, ["count"] = n, ["replicas"] = replicas });
        }
    }

    IResult Videos(string name)
    {
        lock (_lock)
        {
            var videos = new JsonArray([.. _counts.Where(c => c.Value > 0)
                .Select(c => (JsonNode)new JsonObject { ["videoId"] = c.Key, ["total"] = c.Value, ["count"] = c.Value })]);
            return Results.Json(new JsonObject { ["nodeId"] = name, ["known"] = videos.Count, ["videos"] = videos, ["next"] = null });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
