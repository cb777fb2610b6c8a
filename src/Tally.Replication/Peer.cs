using Tally.Crdt;

namespace Tally.Replication;

/// <summary>What a node knows of one other member, including the two marks of delta gossip.</summary>
sealed class Peer(MemberRecord record, DateTimeOffset now)
{
    public MemberRecord Record { get; set; } = record;
    public ReplicaId Id => Record.Id;

    /// <summary>When the member's heartbeat last advanced or it last spoke to us directly.</summary>
    public DateTimeOffset LastHeard { get; set; } = now;

    /// <summary>When this node first learned of the member.</summary>
    public DateTimeOffset FirstSeen { get; } = now;

    /// <summary>When this node last had proof that the member's process runs: a message from it, or a record of it
    /// with a newer heartbeat or incarnation than the one known. Null until then: a record first learned second-hand
    /// may be the last words of a replica that is gone (a lost disk's old replica).</summary>
    public DateTimeOffset? LastAdvance { get; set; }

    /// <summary>When the member last sent us a message itself.</summary>
    public DateTimeOffset? LastExchange { get; set; }

    /// <summary>Our own version (current incarnation) up to which the member confirmed it has all our changes.</summary>
    public long SentAck { get; set; }

    /// <summary>The member's version (its <see cref="MemberRecord.Incarnation"/>) up to which we hold all its changes.</summary>
    public long RecvMark { get; set; }

    /// <summary>True once <see cref="RecvMark"/> was established by a delta, a complete repair or equal digests.</summary>
    public bool Synced { get; set; }

    /// <summary>The membership hash the member last told us; when it differs from ours we send the whole table.</summary>
    public ulong MembersHash { get; set; }

    /// <summary>Buckets whose videos we owe the member, and the version the slice stands for.</summary>
    public (int[] Buckets, int BucketCount, long Version)? OwedRepair { get; set; }

    /// <summary>Buckets we ask the member for, answering its digest of the given version.</summary>
    public (int[] Buckets, int BucketCount, long Version)? OwedWant { get; set; }

    /// <summary>The member's root differed from ours: send it our whole digest.</summary>
    public bool OwedDigest { get; set; }

    public bool HasOwedWork => OwedRepair is not null || OwedWant is not null || OwedDigest;

    /// <summary>A new incarnation means a restarted process that may have lost what it held: start over.</summary>
    public void Restarted()
    {
        SentAck = 0;
        RecvMark = 0;
        Synced = false;
        OwedRepair = null;
        OwedWant = null;
        OwedDigest = false;
    }

    public MemberStatus StatusAt(DateTimeOffset now, ReplicationOptions options) =>
        Record.Left ? MemberStatus.Left
        : now - LastHeard >= options.DownAfter ? MemberStatus.Down
        : now - LastHeard >= options.SuspectAfter ? MemberStatus.Suspect
        : MemberStatus.Alive;
}
