using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using Tally.Crdt;
using Tally.Replication;

namespace Tally.Node;

/// <summary>Serves reads above <c>r=1</c>: asks the replicas of a <see cref="ReadPlan"/> for one video's entries
/// (<c>GET {address}/internal/videos/{videoId}</c> with the cluster key) all at once, hands each answer to the
/// replica (which merges it: read repair), and ends as soon as enough replicas of this cluster answered, or at the
/// level timeout. Injected faults (<see cref="FaultSet"/>) cut reads as they cut gossip.</summary>
public sealed class PeerReader(
    HttpClient client,
    ReplicaExecutor replica,
    FaultSet faults,
    IOptions<NodeOptions> options,
    IOptions<ReplicaOptions> replicaOptions)
{
    /// <summary>Request header naming the asking replica, so an injected partition on the answering node cuts it.</summary>
    public const string ReplicaHeader = "Tally-Replica";

    /// <summary>Request header with the asker's address (for faults given as URLs).</summary>
    public const string AddressHeader = "Tally-Address";

    /// <summary>Request header with the asker's cluster id: a node of another cluster answers 409.</summary>
    public const string ClusterHeader = "Tally-Cluster";

    readonly AuthenticationHeaderValue _authorization = new("Bearer", options.Value.ClusterKey);

    /// <summary>Asks the plan's replicas; returns the replicas whose answer counts (at least
    /// <see cref="ReadPlan.Others"/> unless the level timeout or <paramref name="ct"/> came first).</summary>
    public async Task<IReadOnlyList<ReplicaId>> ReadAsync(VideoId video, ReadPlan plan, CancellationToken ct)
    {
        var answered = new List<ReplicaId>();
        if (plan.Others == 0)
        {
            return answered;
        }
        using var done = CancellationTokenSource.CreateLinkedTokenSource(ct);
        done.CancelAfter(replicaOptions.Value.LevelTimeout);
        var cluster = replica.CurrentClusterId;
        var pending = plan.Addresses.Where(a => !faults.BlocksAddress(a))
            .Select(a => AskAsync(a, video, cluster, done.Token)).ToList();
        while (pending.Count > 0 && answered.Count < plan.Others)
        {
            var finished = await Task.WhenAny(pending).ConfigureAwait(false);
            pending.Remove(finished);
            if (await finished.ConfigureAwait(false) is { } answer && !faults.BlocksAddress(answer.Address) &&
                !answered.Contains(answer.From) && replica.TakeReadAnswer(answer.Address, answer.From, answer.Cluster, video, answer.Counter))
            {
                answered.Add(answer.From);
            }
        }
        await done.CancelAsync().ConfigureAwait(false); // the answers still on their way are not needed
        return answered;
    }

    sealed record Answer(string Address, ReplicaId From, ClusterId? Cluster, GCounter Counter);

    async Task<Answer?> AskAsync(string address, VideoId video, ClusterId? cluster, CancellationToken ct)
    {
        if (!Uri.TryCreate($"{address}{InternalApi.VideosPath}/{Uri.EscapeDataString(video.Value)}", UriKind.Absolute, out var uri))
        {
            return null;
        }
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Authorization = _authorization;
        request.Headers.Add(ReplicaHeader, replica.Id.Value);
        request.Headers.Add(AddressHeader, replica.Address);
        if (cluster is { } id)
        {
            request.Headers.Add(ClusterHeader, id.Value);
        }
        try
        {
            using var response = await client.SendAsync(request, ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }
            var body = await response.Content.ReadFromJsonAsync(NodeJsonContext.Default.PeerVideoResponse, ct).ConfigureAwait(false);
            if (body is null || !ReplicaId.TryParse(body.ReplicaId, out var from) || body.Entries is null)
            {
                return null;
            }
            ClusterId? answerCluster = body.ClusterId is { } c && Crdt.ClusterId.TryParse(c, out var parsed) ? parsed : null;
            var entries = new List<KeyValuePair<ReplicaId, ulong>>(body.Entries.Count);
            foreach (var (key, entry) in body.Entries)
            {
                if (!ReplicaId.TryParse(key, out var r))
                {
                    return null;
                }
                entries.Add(new(r, entry));
            }
            return faults.BlocksSender(new MemberRecord(from, address, 0, 0, false)) ? null
                : new Answer(address, from, answerCluster, GCounter.FromEntries(entries));
        }
        catch (Exception e) when (e is HttpRequestException or System.Text.Json.JsonException or CrdtFormatException ||
                                  e is OperationCanceledException)
        {
            return null; // no answer: the level is met by others or times out
        }
    }
}
