using Tally.Crdt;

namespace Tally.Replication.Tests;

/// <summary>The replica's table of idempotency keys on its own: which loaded keys it takes, which record of a key
/// wins, how many it keeps, and which entry a refused first try forgets.</summary>
public class KeyTableTests
{
    const long Now = 1_000_000;
    static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    static readonly long WindowMs = (long)Window.TotalMilliseconds;

    static KeyTable Table(int keysMax = 100) => new(new ReplicaOptions { IdempotencyWindow = Window, IdempotencyKeysMax = keysMax });

    static IdempotencyRecord Record(string key, long acceptedMs, ulong total) => new(key, 7, acceptedMs, [total]);

    static ViewAnswer Answer(ViewStatus status) => new(new ViewTicket(1), status, null, [], [], 0, false);

    [Fact]
    public void Load_DropsAKeyAcceptedExactlyAtTheWindowStart()
    {
        var table = Table();
        table.Load([Record("edge", Now - WindowMs, 1), Record("inside", Now - WindowMs + 1, 2)], Now);
        Assert.Equal(1, table.Count);
        Assert.Null(table.Find("edge", Now));
        Assert.Equal([2UL], table.Find("inside", Now)?.Stored);
    }

    [Fact]
    public void Load_KeepsTheNewestRecordOfAKey_WhenTheNewestComesFirst()
    {
        var table = Table();
        table.Load([Record("k", Now - 10, 2), Record("k", Now - 20, 1)], Now);
        var entry = table.Find("k", Now);
        Assert.Equal([2UL], entry?.Stored);
        Assert.Equal(Now - 10, entry?.AcceptedUnixMs);
    }

    [Fact]
    public void Load_ForgetsTheOldestKeysFirst_WhenTheyComeOutOfOrderAndPassKeysMax()
    {
        var table = Table(keysMax: 2);
        table.Load([Record("c", Now - 10, 3), Record("a", Now - 30, 1), Record("b", Now - 20, 2)], Now);
        Assert.Equal(2, table.Count);
        Assert.Null(table.Find("a", Now));
        Assert.NotNull(table.Find("b", Now));
        Assert.NotNull(table.Find("c", Now));
    }

    [Fact]
    public void Add_KeepsExactlyKeysMax_ForgettingTheOldest()
    {
        var table = Table(keysMax: 2);
        table.Add("a", 1, Now);
        table.Add("b", 1, Now + 1);
        Assert.Equal(2, table.Count);
        table.Add("c", 1, Now + 2);
        Assert.Equal(2, table.Count);
        Assert.Null(table.Find("a", Now + 2));
        Assert.NotNull(table.Find("b", Now + 2));
    }

    [Fact]
    public void Complete_KeepsTheNewEntryOfAReusedKey_WhenTheOldEntrysFirstTryIsRefused()
    {
        // The first try of "k" waits for the disk past the window; "k" is then taken again by a new request. The
        // old try's refusal must forget only its own entry, not the new one (whose views may be counted).
        var table = Table();
        var old = table.Add("k", 1, Now);
        var later = Now + WindowMs + 1;
        Assert.Null(table.Find("k", later));
        var renewed = table.Add("k", 1, later);

        table.Complete(old, Answer(ViewStatus.StorageFailed));

        Assert.Same(renewed, table.Find("k", later));
    }

    [Fact]
    public void Find_KeepsAReusedKey_WhenItsRefusedFirstEntryLeavesTheQueue()
    {
        // A refused first try is forgotten at once but stays queued until it reaches the head (here behind "x");
        // leaving the queue then must not take the key's newer entry with it.
        var table = Table();
        table.Add("x", 1, Now);
        var first = table.Add("k", 1, Now + 5);
        table.Complete(first, Answer(ViewStatus.Busy));
        var retry = table.Add("k", 1, Now + 6);
        table.Complete(retry, Answer(ViewStatus.Ok));

        Assert.Same(retry, table.Find("k", Now + WindowMs)); // "x" leaves the window, then the refused try the queue
        Assert.Null(table.Find("x", Now + WindowMs));
        Assert.Equal(1, table.Count);
        Assert.Same(retry, table.Find("k", Now + WindowMs + 6 - 1)); // the retry's own window still runs
    }

    [Fact]
    public void Find_KeepsAReusedKey_WhenItsRefusedFirstEntryExpiresAtTheHead()
    {
        var table = Table();
        var first = table.Add("k", 1, Now);
        table.Complete(first, Answer(ViewStatus.Busy));
        var retry = table.Add("k", 1, Now + 6);
        table.Complete(retry, Answer(ViewStatus.Ok));
        Assert.Same(retry, table.Find("k", Now + WindowMs + 5)); // the refused try is past its window, the retry is not
    }

    [Fact]
    public void Complete_RemembersTheAnswer_WhenTheFirstTryCounted()
    {
        var table = Table();
        var entry = table.Add("k", 1, Now);
        var ok = Answer(ViewStatus.Ok);
        table.Complete(entry, ok);
        Assert.Same(ok, table.Find("k", Now)?.Answer);
        Assert.Null(entry.First);
    }

    [Fact]
    public void Find_ForgetsAKey_AtExactlyWindowAfterItWasAccepted()
    {
        var table = Table();
        table.Add("k", 1, Now);
        Assert.NotNull(table.Find("k", Now + WindowMs - 1));
        Assert.Null(table.Find("k", Now + WindowMs));
    }

    [Fact]
    public void Replica_LoadsNoKeys_WhenIdempotencyIsOff()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Harness.Start);
        var node = new ReplicaNode(ReplicaId.Parse("n1"), "n1", 1, new ReplicationOptions(), time, new Random(1), null, []);
        var replica = new Replica(node, new ReplicaOptions { IdempotencyKeysMax = 0 }, time,
            [Record("k", time.GetUtcNow().ToUnixTimeMilliseconds(), 1)]);
        Assert.Equal(0, replica.KeysRemembered);
        replica.Submit(ViewRequest.Add(VideoId.Parse("v"), 1, "k"));
        Assert.Single(replica.TakeReady().Appends); // counted: a key is not looked at
    }
}
