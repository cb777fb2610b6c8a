using System.Numerics;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Tally.Crdt;
using Tally.Dashboard.Nodes;
using Tally.Dashboard.State;

namespace Tally.Dashboard.Api;

/// <summary>The page's write actions: the form (<c>POST /api/views</c>, proxied to one node) and the random test
/// (<c>POST /api/random-test</c>, random views to every live node in parallel).</summary>
public static class ViewsApi
{
    public const long AmountMax = 1_000_000;

    public static RouteGroupBuilder MapViewsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api").WithTags("Views");
        group.MapPost("/views", SendViewsAsync).WithName("SendViews");
        group.MapPost("/random-test", RandomTestAsync).WithName("RandomTest");
        return group;
    }

    /// <param name="W">The write level: <c>1</c> (default), a number up to 1000, <c>majority</c> or <c>all</c>;
    /// passed to the node, whose 200 names the replicas that hold the views and whose 504 says they are counted there
    /// and not yet confirmed.</param>
    public sealed record SendViewsRequest(string? Node, string? VideoId, long? Amount, string? W = null);

    public sealed record RandomTestRequest(string? VideoId);

    /// <summary>One node's part of a random test.</summary>
    /// <param name="Replica">The key of the node's entry: its replica id, or its name from a node without one.</param>
    public sealed record RandomSend(string Node, string Replica, long Amount, int Status, BigInteger? Total, string? Error);

    /// <param name="Expected">The network-wide count every node must reach: the totals the nodes answered plus the
    /// entries of nodes that got nothing, as the dashboard last saw them.</param>
    public sealed record RandomTestResult(string VideoId, BigInteger Expected, long Sent, IReadOnlyList<RandomSend> Sends);

    static async Task<Results<ContentHttpResult, ValidationProblem, ProblemHttpResult>> SendViewsAsync(
        SendViewsRequest request, NodeLookup lookup, NodeClient client, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var node = lookup.Find(request.Node);
        if (node is null)
        {
            errors["node"] = [$"Unknown node '{request.Node}': pick one of the cards."];
        }
        if (!VideoId.TryParse(request.VideoId, out _))
        {
            errors["videoId"] = ["A video id is 1-128 characters from [A-Za-z0-9._~:-], starting with a letter or digit."];
        }
        if (request.Amount is not (>= 1 and <= AmountMax))
        {
            errors["amount"] = [$"The number of views must be a whole number from 1 to {AmountMax:N0}."];
        }
        if (!IsWriteLevel(request.W))
        {
            errors["w"] = ["The write level must be 1 to 1000, 'majority' or 'all'."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The form has errors");
        }
        try
        {
            var reply = await client.PostViewsAsync(node!.Url, request.VideoId!, request.Amount!.Value, ct, request.W).ConfigureAwait(false);
            return TypedResults.Content(reply.Body, reply.ContentType ?? "application/json", statusCode: reply.StatusCode);
        }
        catch (HttpRequestException e)
        {
            return Unreachable(node!.Url, e);
        }
    }

    static async Task<Results<Ok<RandomTestResult>, ValidationProblem, ProblemHttpResult>> RandomTestAsync(
        RandomTestRequest request, DashboardUpdates updates, NodeClient client, IOptions<DashboardOptions> options, CancellationToken ct)
    {
        if (!VideoId.TryParse(request.VideoId, out _))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["videoId"] = ["A video id is 1-128 characters from [A-Za-z0-9._~:-], starting with a letter or digit."],
            });
        }
        var videoId = request.VideoId;
        var live = updates.Build(videoId).Nodes
            .Where(n => n.Reachable && n.Status is "alive" or "suspect" or "partitioned")
            .ToList();
        if (live.Count == 0)
        {
            return TypedResults.Problem("No node is up to take views.", statusCode: StatusCodes.Status409Conflict, title: "No live node");
        }

        // The entries before the test, for the nodes that will not answer with their own total.
        var before = new Dictionary<string, BigInteger>(StringComparer.Ordinal);
        var reads = await Task.WhenAll(live.Select(n => TryGetVideoAsync(client, n.Url, videoId, ct))).ConfigureAwait(false);
        foreach (var (replica, value) in reads.OfType<VideoInfo>().SelectMany(v => v.Replicas))
        {
            before[replica] = BigInteger.Max(value, before.GetValueOrDefault(replica));
        }

        var sends = await Task.WhenAll(live.Select(n =>
            SendRandomAsync(client, n, videoId, RandomNumberGenerator.GetInt32(1, options.Value.RandomViewsMax + 1), ct))).ConfigureAwait(false);
        var answered = sends.Where(s => s.Total is not null).ToDictionary(s => s.Replica, s => s.Total!.Value, StringComparer.Ordinal);
        var expected = answered.Values.Concat(before.Where(e => !answered.ContainsKey(e.Key)).Select(e => e.Value))
            .Aggregate(BigInteger.Zero, (a, b) => a + b);
        return TypedResults.Ok(new RandomTestResult(videoId, expected, sends.Where(s => s.Total is not null).Sum(s => s.Amount), sends));
    }

    static async Task<VideoInfo?> TryGetVideoAsync(NodeClient client, string url, string videoId, CancellationToken ct)
    {
        try
        {
            return await client.GetVideoAsync(url, videoId, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException)
        {
            return null;
        }
    }

    static async Task<RandomSend> SendRandomAsync(NodeClient client, NodeCard node, string videoId, long amount, CancellationToken ct)
    {
        var key = node.Id ?? node.Url;
        try
        {
            var reply = await client.PostViewsAsync(node.Url, videoId, amount, ct).ConfigureAwait(false);
            if (reply.StatusCode != StatusCodes.Status200OK)
            {
                return new(key, key, amount, reply.StatusCode, null, reply.Body);
            }
            var json = JsonNode.Parse(reply.Body);
            var nodeId = json?["nodeId"]?.GetValue<string>() ?? key;
            var replica = json?["replicaId"]?.GetValue<string>() ?? nodeId;
            return new(nodeId, replica, amount, reply.StatusCode, NodeJson.Count(json?["total"]), null);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or InvalidOperationException)
        {
            return new(key, key, amount, StatusCodes.Status502BadGateway, null, e.Message);
        }
    }

    /// <summary>Null or empty (the node's default), 1..1000, <c>majority</c> or <c>all</c>: what the node takes as <c>w</c>.</summary>
    static bool IsWriteLevel(string? w) => string.IsNullOrEmpty(w) || w is "majority" or "all" ||
        w.Length <= 4 && w[0] != '0' && w.All(char.IsAsciiDigit) && int.Parse(w, System.Globalization.CultureInfo.InvariantCulture) <= 1000;

    internal static ProblemHttpResult Unreachable(string url, HttpRequestException e) => TypedResults.Problem(
        $"Node {url} did not answer: {e.Message}", statusCode: StatusCodes.Status502BadGateway, title: "Node unreachable");
}
