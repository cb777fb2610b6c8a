using Microsoft.Extensions.Time.Testing;
using Tally.Crdt;

namespace Tally.Replication.Tests;

/// <summary>One <see cref="Replica"/> and a host made of lists: appends handed out and not yet completed, a model
/// disk, the answers by ticket, the released messages, the snapshot and exit requests. Tests complete or fail appends
/// in the order they choose.</summary>
sealed class Harness
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    int _starts;

    public Harness(string id = "n1", ReplicaOptions? options = null, FakeTimeProvider? time = null, string[]? seeds = null,
        ReplicationOptions? replication = null, ClusterIdentity cluster = default)
        : this(ReplicaId.Parse(id), id, new ModelDisk(), cluster, Start.ToUnixTimeMilliseconds(), 0, time ?? new FakeTimeProvider(Start),
            replication ?? new ReplicationOptions(), seeds ?? [], options)
    {
    }

    /// <summary>A replica at <paramref name="address"/> with its own disk and cluster identity; its starts take
    /// incarnations above <paramref name="incarnation"/> and random seeds from <paramref name="seed"/>.</summary>
    public Harness(ReplicaId id, string address, ModelDisk disk, ClusterIdentity cluster, long incarnation, int seed,
        FakeTimeProvider time, ReplicationOptions replication, string[] seeds, ReplicaOptions? options = null)
    {
        Id = id;
        Address = address;
        Disk = disk;
        _cluster = cluster;
        _incarnation = incarnation;
        _seed = seed;
        Options = options ?? new ReplicaOptions();
        Replication = replication;
        Time = time;
        Seeds = seeds;
        Replica = Boot();
    }

    readonly ClusterIdentity _cluster;
    readonly long _incarnation;
    readonly int _seed;

    public ReplicaId Id { get; }
    public string Address { get; }
    public ReplicaOptions Options { get; }
    public ReplicationOptions Replication { get; }
    public FakeTimeProvider Time { get; }
    public string[] Seeds { get; }
    public Replica Replica { get; private set; }

    /// <summary>The gossip core inside <see cref="Replica"/>, for assertions only (never to drive).</summary>
    public ReplicaNode Core { get; private set; } = null!;

    public ModelDisk Disk { get; }

    /// <summary>An instant disk: every append and snapshot handed out completes at once, in number order.</summary>
    public bool Instant { get; init; }
    public SortedDictionary<long, Append> InFlight { get; } = [];
    public Dictionary<ViewTicket, ViewAnswer> Answers { get; } = [];
    public List<Outgoing> Sent { get; } = [];
    public SnapshotRequest? Snapshot { get; private set; }
    public ExitRequest? Exit { get; private set; }

    /// <summary>Every append this process handed out, by number.</summary>
    public Dictionary<long, Append> Appends { get; } = [];

    Replica Boot()
    {
        _starts++;
        Core = new ReplicaNode(Id, Address, _incarnation + _starts * 1000L, Replication, Time, new Random(_seed + _starts),
            Disk.Reload(), Seeds, _cluster);
        return new Replica(Core, Options, Time, Disk.Keys());
    }

    /// <summary>The process dies: appends in flight are lost (those in <paramref name="written"/> reached the disk
    /// anyway, unreported); the replica restarts from the disk.</summary>
    public void CrashAndRestart(IEnumerable<long>? written = null)
    {
        foreach (var number in written ?? [])
        {
            Disk.Write(InFlight[number]);
        }
        InFlight.Clear();
        Disk.Restarted();
        Answers.Clear(); // tickets and append numbers belong to one process
        Appends.Clear();
        Sent.Clear();
        Snapshot = null;
        Replica = Boot();
    }

    public Ready Pump()
    {
        var ready = Replica.TakeReady();
        foreach (var append in ready.Appends)
        {
            Assert.True(InFlight.TryAdd(append.Number, append), $"append {append.Number} handed out twice");
            Appends.Add(append.Number, append);
        }
        Sent.AddRange(ready.Messages);
        foreach (var answer in ready.Answers)
        {
            Assert.True(Answers.TryAdd(answer.Ticket, answer), $"ticket {answer.Ticket} answered twice");
        }
        if (ready.Snapshot is { } snapshot)
        {
            Assert.Null(Snapshot);
            Snapshot = snapshot;
        }
        if (ready.Exit is { } exit)
        {
            Assert.Null(Exit);
            Exit = exit;
        }
        if (Instant)
        {
            CompleteEverything();
        }
        return ready;
    }

    void CompleteEverything()
    {
        while (InFlight.Count > 0 || Snapshot is not null)
        {
            if (Snapshot is { } snapshot && (InFlight.Count == 0 || snapshot.Number < InFlight.Keys.First()))
            {
                SnapshotDone();
            }
            else
            {
                Complete(InFlight.Keys.First());
            }
        }
    }

    public ViewTicket Add(string video, ulong amount = 1, string? key = null) => Submit(ViewRequest.Add(VideoId.Parse(video), amount, key));

    public ViewTicket Submit(ViewRequest request)
    {
        var ticket = Replica.Submit(request);
        Pump();
        return ticket;
    }

    public void Complete(long number, bool snapshotDue = false)
    {
        Assert.True(InFlight.Remove(number, out var append), $"append {number} is not in flight");
        Disk.Write(append);
        Replica.AppendDurable(number, snapshotDue);
        Pump();
    }

    public void Fail(long number)
    {
        Assert.True(InFlight.Remove(number), $"append {number} is not in flight");
        Replica.AppendFailed(number, "disk full");
        Pump();
    }

    public void CompleteAll()
    {
        while (InFlight.Count > 0)
        {
            Complete(InFlight.Keys.First());
        }
    }

    public void SnapshotDone()
    {
        var snapshot = Snapshot ?? throw new InvalidOperationException("no snapshot requested");
        Snapshot = null;
        Disk.Snapshot(snapshot);
        Replica.SnapshotDone(snapshot.Number);
        Pump();
    }

    public void SnapshotFailed()
    {
        var snapshot = Snapshot ?? throw new InvalidOperationException("no snapshot requested");
        Snapshot = null;
        Replica.SnapshotFailed(snapshot.Number, "disk full");
        Pump();
    }

    /// <summary>Called after every input that can produce messages (Receive, Tick), before they are collected.</summary>
    public Action<Harness>? AfterGossipStep { get; set; }

    public void Tick()
    {
        Time.Advance(Replication.GossipInterval);
        Replica.Tick();
        AfterGossipStep?.Invoke(this);
        Pump();
    }

    /// <summary>The operator asks the replica to leave.</summary>
    public void Leave()
    {
        Replica.Leave();
        Pump();
    }

    public void Receive(GossipMessage message)
    {
        Replica.Receive(message);
        AfterGossipStep?.Invoke(this);
        Pump();
    }

    public long[] InFlightOf(AppendKind kind) => [.. InFlight.Values.Where(a => a.Kind == kind).Select(a => a.Number)];

    public ViewAnswer AnswerOf(ViewTicket ticket) =>
        Answers.TryGetValue(ticket, out var answer) ? answer : throw new Xunit.Sdk.XunitException($"ticket {ticket} is not answered");

    public bool IsAnswered(ViewTicket ticket) => Answers.ContainsKey(ticket);

    public ulong OnDisk(string video) => Disk.Own(VideoId.Parse(video), Id);

    public ulong Total(string video) => Replica.Read(VideoId.Parse(video)).EntryOf(Id);
}
