using System.Diagnostics.Metrics;
using Tally.Replication;

namespace Tally.Node;

/// <summary>The node's instruments (meter <c>Tally.Node</c>), exported at <c>/metrics</c> by ServiceDefaults.
/// Counters the core keeps (<see cref="ReplicaStats"/>) are observed under the host's lock at scrape time.</summary>
public sealed class NodeMetrics
{
    public const string MeterName = "Tally.Node";

    readonly Counter<long> _viewsReceived;
    readonly Counter<long> _gossipBytes;
    readonly Counter<long> _gossipDropped;
    readonly Counter<long> _gossipRefused;
    readonly Histogram<double> _mergeDuration;
    readonly Histogram<double> _commitDuration;
    readonly Histogram<long> _commitRequests;

    public NodeMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _viewsReceived = meter.CreateCounter<long>("tally.views.received", "{view}", "Views acknowledged by this node (durable own views).");
        _gossipBytes = meter.CreateCounter<long>("tally.gossip.bytes", "By", "Gossip message bytes, by direction (in, out).");
        _gossipDropped = meter.CreateCounter<long>("tally.gossip.dropped", "{message}", "Gossip messages not delivered, by reason (fault, busy, failed).");
        _gossipRefused = meter.CreateCounter<long>("tally.gossip.refused", "{message}", "Gossip messages refused and never merged, by reason (checksum: damaged, 400; malformed: 400; cluster: sent by a node of another cluster, 409).");
        _mergeDuration = meter.CreateHistogram<double>("tally.merge.duration", "s", "Time to take in one gossip message under the replica lock.");
        _commitDuration = meter.CreateHistogram<double>("tally.storage.commit.duration", "s", "Time of one durable group commit of own views.");
        _commitRequests = meter.CreateHistogram<long>("tally.storage.commit.requests", "{request}", "View requests sharing one group commit.");
        Meter = meter;
    }

    internal Meter Meter { get; }

    /// <summary>Registers the observable instruments that read the replica's state; called once it exists.</summary>
    internal void Observe(ReplicaHost host)
    {
        Meter.CreateObservableCounter("tally.gossip.rounds", () => host.Stats().Rounds, "{round}", "Gossip rounds run.");
        Meter.CreateObservableCounter("tally.gossip.messages", () => Directions(host, s => (s.MessagesIn, s.MessagesOut)), "{message}", "Gossip messages, by direction.");
        Meter.CreateObservableCounter("tally.gossip.delta_videos", () => Directions(host, s => (s.DeltaVideosIn, s.DeltaVideosOut)), "{video}", "Videos carried in deltas, by direction.");
        Meter.CreateObservableCounter("tally.gossip.repair_videos", () => Directions(host, s => (s.RepairVideosIn, s.RepairVideosOut)), "{video}", "Videos carried in digest repairs, by direction.");
        Meter.CreateObservableCounter("tally.gossip.digests", () => host.Stats().DigestsOut, "{digest}", "Full digests sent (anti-entropy).");
        Meter.CreateObservableGauge("tally.members", () => host.MembersByStatus()
            .Select(kv => new Measurement<int>(kv.Value, new KeyValuePair<string, object?>("status", kv.Key))), "{member}", "Members by status as this node sees them (itself included).");
        Meter.CreateObservableGauge("tally.name_conflicts", () => host.NameConflictCount(), "{name}", "Node names used by more than one live replica, as this node sees them (two processes started with one --id).");
        Meter.CreateObservableGauge("tally.videos", () => host.VideoCount(), "{video}", "Videos with a positive count.");
    }

    static IEnumerable<Measurement<long>> Directions(ReplicaHost host, Func<ReplicaStats, (long In, long Out)> pick)
    {
        var (received, sent) = pick(host.Stats());
        yield return new(received, new KeyValuePair<string, object?>("direction", "in"));
        yield return new(sent, new KeyValuePair<string, object?>("direction", "out"));
    }

    public void ViewsReceived(long views) => _viewsReceived.Add(views);

    public void GossipBytesIn(long bytes) => _gossipBytes.Add(bytes, new KeyValuePair<string, object?>("direction", "in"));

    public void GossipBytesOut(long bytes) => _gossipBytes.Add(bytes, new KeyValuePair<string, object?>("direction", "out"));

    public void GossipDropped(string reason) => _gossipDropped.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void GossipRefused(string reason) => _gossipRefused.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Merged(TimeSpan elapsed) => _mergeDuration.Record(elapsed.TotalSeconds);

    public void Committed(TimeSpan elapsed, int requests)
    {
        _commitDuration.Record(elapsed.TotalSeconds);
        _commitRequests.Record(requests);
    }
}
