using Tally.Crdt;
using Tally.Replication;

namespace Tally.Simulation;

/// <summary>Write and read levels (<c>w</c>, <c>r</c>), as the node serves them: the replica holds a counted answer
/// until enough replicas acknowledged it durably; a read asks replicas for a video's entries and merges them. Two
/// checkers: a view acknowledged at w=k is on the disks of the k replicas its answer names, at the moment of the
/// answer; a majority read after a majority-acknowledged write includes it (any replica in both sets returns an entry
/// at least the acknowledged one, and when writer and reader count the same replicas the two sets share one).</summary>
/// <remarks>A read here is instantaneous: it reaches every up node the partitions let it reach both ways, without
/// latency or loss (the node's read is a request and its answer; its timeout is the 504 this counts as timed out).</remarks>
public sealed partial class Cluster
{
    readonly List<MajorityWrite> _majorityWrites = [];
    Random? _levels;

    sealed record MajorityWrite(int Video, ReplicaId Writer, ulong Total, IReadOnlyList<ReplicaId> Holders, IReadOnlySet<string> Members, long At);

    /// <summary>The write level of the next client view: 1, or (with <see cref="SimulationOptions.LevelWrites"/>) 2,
    /// majority or all, from a random stream of its own (other draws of the seed stay what they were).</summary>
    ConsistencyLevel DrawWriteLevel()
    {
        if (_options.LevelWrites <= 0)
        {
            return ConsistencyLevel.One;
        }
        var r = _levels ??= new Random(Derive(Seed, 9));
        if (r.NextDouble() >= _options.LevelWrites)
        {
            return ConsistencyLevel.One;
        }
        return r.Next(3) switch
        {
            0 => ConsistencyLevel.Of(2),
            1 => ConsistencyLevel.Majority,
            _ => ConsistencyLevel.All,
        };
    }

    /// <summary>A view above w=1 was answered: counted and confirmed (Ok), or counted and not confirmed.</summary>
    void OnLevelAnswer(SimNode node, ClientRequest request, ViewAnswer answer)
    {
        Stats.LevelWrites++;
        if (answer.Status != ViewStatus.Ok)
        {
            Stats.LevelWritesUnconfirmed++;
            return;
        }
        Stats.LevelWritesConfirmed++;
        var video = _videos[request.Video];
        var total = answer.Totals[0];
        if (answer.Acknowledged.Count < answer.Required || answer.Acknowledged.Distinct().Count() != answer.Acknowledged.Count)
        {
            Checkers.Report("level", $"{node.Address} answered w={request.Level} for {video} with {answer.Acknowledged.Count} distinct " +
                $"replicas of the {answer.Required} needed: [{string.Join(", ", answer.Acknowledged)}]");
        }
        foreach (var holder in answer.Acknowledged)
        {
            // A replica whose disk is gone since it acknowledged has no disk to look at (its copy is destroyed, which
            // the convergence checker accounts for); any other must hold the views on its disk now.
            if (_nodes.FirstOrDefault(n => n.Disk.Replica == holder) is not { } holding)
            {
                continue;
            }
            var stored = holding.Disk.Durable?.EntryOf(video, node.Id) ?? 0;
            if (stored < total)
            {
                Checkers.Report("level-durable", $"{node.Address} answered w={request.Level} for {video} naming {holder} as a holder, " +
                    $"but {holding.Address}'s disk holds {node.Id}'s entry at {stored}, below the acknowledged {total}");
            }
        }
        if (request.Level.Kind == LevelKind.Majority && node.Replica is { } replica)
        {
            _majorityWrites.Add(new MajorityWrite(request.Video, node.Id, total, answer.Acknowledged, replica.LevelMemberKeys(), Time.Now));
            var r = _levels ??= new Random(Derive(Seed, 9));
            var reader = r.Next(_nodes.Count);
            At(Time.Now + (long)(r.NextDouble() * IntervalTicks), () => MajorityRead(reader, request.Video));
        }
    }

    /// <summary>A client reads video <paramref name="video"/> at r=majority from node <paramref name="index"/>: the
    /// replica plans the read, each reachable replica answers with its entries, the reader merges them (read repair);
    /// then the checkers look at every majority write made before.</summary>
    public void MajorityRead(int index, int video)
    {
        var node = _nodes[index];
        if (node.Replica is not { } replica)
        {
            return;
        }
        Stats.MajorityReads++;
        var id = _videos[video];
        var before = node.Core!.State.Version;
        var plan = replica.PlanRead(ConsistencyLevel.Majority)!;
        var answered = new List<ReplicaId> { node.Id };
        foreach (var address in plan.Addresses)
        {
            if (answered.Count - 1 >= plan.Others)
            {
                break;
            }
            if (!_byAddress.TryGetValue(address, out var t) || t == index || _nodes[t].Replica is not { } other ||
                Network.Cuts(index, t) || Network.Cuts(t, index) || answered.Contains(_nodes[t].Id))
            {
                continue;
            }
            if (other.ReadFor(id, replica.Cluster.Id) is { } counter && replica.TakeReadAnswer(address, _nodes[t].Id, other.Cluster.Id, id, counter))
            {
                answered.Add(_nodes[t].Id);
            }
        }
        Pump(node);
        Checkers.AfterStep(node, before);
        if (answered.Count - 1 < plan.Others)
        {
            Stats.MajorityReadsTimedOut++;
            return;
        }
        Stats.MajorityReadsAnswered++;
        var read = replica.Read(id);
        var members = replica.LevelMemberKeys();
        foreach (var write in _majorityWrites)
        {
            if (write.Video != video)
            {
                continue;
            }
            var shared = write.Holders.Intersect(answered).ToList();
            if (shared.Count > 0 && read.EntryOf(write.Writer) < write.Total)
            {
                Checkers.Report("read-your-writes", $"a majority read of {id} at {node.Address} merged [{string.Join(", ", answered)}], " +
                    $"among them {shared[0]}, which acknowledged {write.Writer}'s entry {write.Total} durably; the read has {read.EntryOf(write.Writer)}");
            }
            else if (shared.Count == 0 && write.Members.SetEquals(members))
            {
                Checkers.Report("quorum", $"a majority read of {id} at {node.Address} merged [{string.Join(", ", answered)}] and shares no " +
                    $"replica with the majority write of {write.Writer} acknowledged by [{string.Join(", ", write.Holders)}], while both counted " +
                    $"the same {members.Count} replicas");
            }
        }
    }
}
