using Tally.Crdt;

namespace Tally.Replication.Tests;

/// <summary>The rules of request keys outside the replica's flow: which keys a snapshot keeps, which keys are valid,
/// and the fingerprint a stored key is matched by.</summary>
public class KeyRulesTests
{
    static IdempotencyRecord Key(string key, long acceptedMs, ulong total = 1) => new(key, 1, acceptedMs, [total]);

    [Fact]
    public void Apply_KeepsNothing_ForACountMaxOfZeroOrLess()
    {
        Assert.Empty(new KeyRetention(0, 0).Apply([Key("a", 5)]));
        Assert.Empty(new KeyRetention(0, -1).Apply([Key("a", 5)]));
        Assert.Empty(KeyRetention.None.Apply([Key("a", 5)]));
    }

    [Fact]
    public void Apply_KeepsKeysAcceptedAtOrAfterTheWindowStart_OldestFirst()
    {
        var kept = new KeyRetention(10, 10).Apply([Key("c", 12), Key("before", 9), Key("a", 10), Key("b", 11)]);
        Assert.Equal(["a", "b", "c"], kept.Select(k => k.Key));
    }

    [Fact]
    public void Apply_KeepsTheNewestRecordOfAKey_WhateverTheOrderTheyComeIn()
    {
        var older = Key("k", 10, total: 1);
        var newer = Key("k", 20, total: 2);
        Assert.Equal(newer, Assert.Single(new KeyRetention(0, 5).Apply([older, newer])));
        Assert.Equal(newer, Assert.Single(new KeyRetention(0, 5).Apply([newer, older])));
        var sameTimeLater = Key("k", 20, total: 3);
        Assert.Equal(sameTimeLater, Assert.Single(new KeyRetention(0, 5).Apply([newer, sameTimeLater])));
    }

    [Fact]
    public void Apply_KeepsOnlyTheNewestCountMaxKeys_OrderedByTimeThenKey()
    {
        IdempotencyRecord[] keys = [Key("d", 4), Key("b", 2), Key("c2", 3), Key("c1", 3), Key("a", 1)];
        Assert.Equal(["c1", "c2", "d"], new KeyRetention(0, 3).Apply(keys).Select(k => k.Key));
        Assert.Equal(["a", "b", "c1", "c2", "d"], new KeyRetention(0, 5).Apply(keys).Select(k => k.Key));
        Assert.Equal(["d"], new KeyRetention(0, 1).Apply(keys).Select(k => k.Key));
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("!~", true)]
    [InlineData("", false)]
    [InlineData("with space", false)]
    [InlineData("tab\t", false)]
    [InlineData("caf\u00e9", false)]
    public void IsValidKey_AcceptsOnlyVisibleAscii(string key, bool valid) => Assert.Equal(valid, IdempotencyRecord.IsValidKey(key));

    [Fact]
    public void IsValidKey_AcceptsUpTo255Characters()
    {
        Assert.True(IdempotencyRecord.IsValidKey(new string('k', 255)));
        Assert.False(IdempotencyRecord.IsValidKey(new string('k', 256)));
    }

    [Fact]
    public void Of_GivesTheSameFingerprintAsEveryEarlierVersion_SoStoredKeysStillMatch()
    {
        // Fingerprints are stored with the keys on disk: these values must never change.
        var v = VideoId.Parse("v1");
        Assert.Equal(Expected("add|v1=3"), Fingerprints.Of(ViewRequest.Add(v, 3)));
        Assert.Equal(Expected("raise|v1=3"), Fingerprints.Of(ViewRequest.Raise(v, 3)));
        Assert.Equal(Expected("batch|v1=3|v2=4"), Fingerprints.Of(ViewRequest.Batch([new(v, 3), new(VideoId.Parse("v2"), 4)])));
    }

    static UInt128 Expected(string text) =>
        System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
}
