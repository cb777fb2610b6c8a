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

    /// <summary>The version the last delta we sent the member stands for, when we sent it, and whether more changes
    /// were left for the next one. Until the member acknowledges it (or it may have been lost), later messages do not
    /// repeat it.</summary>
    public long DeltaSentUpTo { get; set; }
    public DateTimeOffset DeltaSentAt { get; set; }
    public bool DeltaSentPartial { get; set; }

    /// <summary>The member acknowledged all of the last delta, which left changes for the next one: send it now.</summary>
    public bool DeltaContinues => DeltaSentPartial && SentAck >= DeltaSentUpTo;

    /// <summary>Our version when we learned of this incarnation of the member (or when ours changed). Changes up to it
    /// may have reached the member some other way (it restarted with its disk, or we did), so while its acknowledgement
    /// is below this a backlog too large for one delta is repaired through digests, which send only what differs;
    /// above it the member is missing exactly our changes since its acknowledgement, and oldest-first deltas send
    /// only those.</summary>
    public long MetAtVersion { get; set; }

    /// <summary>A version of ours as of which we know the member holds our whole state without its saying so: it held
    /// all of it (acknowledged, or known this way) and sent us part of its own, so after the merge it still holds all
    /// of ours. Deltas leave out what changed up to here (they would send the member's own videos back) but still start
    /// at <see cref="SentAck"/>, the member's own mark, so it can move that mark.</summary>
    public long HeldAllAt { get; set; }

    /// <summary>A version of ours as of which the member is known to hold our whole state: every change up to it, not
    /// only every video last changed up to it, which is all an acknowledgement of an oldest-first part proves. Deltas
    /// carry single changed entries only for videos whose change before the last is no later than this.</summary>
    public long EntryBase { get; set; }

    /// <summary>The end of the last complete delta we sent (our whole version then), which becomes
    /// <see cref="EntryBase"/> once acknowledged; 0 after a part with a later end was sent, since an acknowledgement
    /// up to there might then be the part's.</summary>
    public long EntryCandidate { get; set; }

    /// <summary>Takes an acknowledgement (already in <see cref="SentAck"/>): an acknowledgement of our whole current
    /// version, or of the last complete delta, proves the member holds every change up to it.</summary>
    public void Acknowledged(long version)
    {
        if (SentAck == version || EntryCandidate > 0 && SentAck >= EntryCandidate)
        {
            EntryBase = Math.Max(EntryBase, SentAck == version ? version : EntryCandidate);
        }
    }

    /// <summary>A new incarnation means a restarted process that may have lost what it held: start over.</summary>
    public void Restarted(long version)
    {
        MetAtVersion = version;
        SentAck = 0;
        RecvMark = 0;
        DeltaSentUpTo = 0;
        DeltaSentPartial = false;
        EntryBase = 0;
        EntryCandidate = 0;
        HeldAllAt = 0;
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
