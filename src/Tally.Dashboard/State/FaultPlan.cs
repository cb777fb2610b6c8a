using Tally.Dashboard.Nodes;

namespace Tally.Dashboard.State;

/// <summary>Turns the set of partitioned nodes into each node's fault settings and sends them: a partitioned node
/// drops traffic to and from every other node, and every other node drops traffic to and from it. Every change
/// resends the whole plan to every node, so the nodes' settings always match the page.</summary>
public sealed class FaultPlan(NodeRegistry registry, ClusterState state, NodeClient client) : IDisposable
{
    readonly SemaphoreSlim _gate = new(1, 1);

    /// <param name="Failed">Nodes that did not take their settings (their errors are in <see cref="Errors"/>).</param>
    public sealed record Result(IReadOnlyList<string> Partitioned, IReadOnlyList<string> Applied, IReadOnlyList<string> Failed,
        IReadOnlyDictionary<string, string> Errors);

    public async Task<Result> SetAsync(string url, bool partitioned, CancellationToken ct)
    {
        registry.SetPartitioned(url, partitioned);
        return await ApplyAsync(ct).ConfigureAwait(false);
    }

    public async Task<Result> ApplyAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var partitioned = registry.Partitioned;
            var urls = registry.Urls;
            var targets = urls.Where(u => state.Get(u).Reachable || partitioned.Contains(u)).ToList();
            var results = await Task.WhenAll(targets.Select(async u =>
            {
                var drop = partitioned.Contains(u) ? urls.Where(o => o != u).ToList() : [.. partitioned];
                try
                {
                    var reply = await client.SetFaultsAsync(u, drop, ct).ConfigureAwait(false);
                    return (Url: u, Error: reply.StatusCode is >= 200 and < 300 ? null : $"HTTP {reply.StatusCode}: {reply.Body}");
                }
                catch (HttpRequestException e)
                {
                    return (Url: u, Error: e.Message);
                }
            })).ConfigureAwait(false);
            var errors = results.Where(r => r.Error is not null).ToDictionary(r => r.Url, r => r.Error!, StringComparer.Ordinal);
            return new([.. partitioned.Order(StringComparer.Ordinal)],
                [.. results.Where(r => r.Error is null).Select(r => r.Url)], [.. errors.Keys], errors);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
