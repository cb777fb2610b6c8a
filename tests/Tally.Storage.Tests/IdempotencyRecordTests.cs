using Microsoft.Extensions.Logging;
using Tally.Crdt;
using Tally.Crdt.Serialization;
using Tally.Replication;
using Tally.Storage.Format;
using static Tally.Storage.Tests.Stores;

namespace Tally.Storage.Tests;

/// <summary>Request keys travel in the same record as the views they guard, survive reloads and snapshots within
/// the retention, and old (plain) records still load.</summary>
public sealed class IdempotencyRecordTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static IdempotencyRecord Key(string key, long at, params ulong[] totals) => new(key, (UInt128)key.GetHashCode() << 64 | (ulong)at, at, totals);

    static void AssertKeys(IEnumerable<string> expected, IReadOnlyList<IdempotencyRecord> actual) =>
        Assert.Equal(expected, actual.Select(k => k.Key));

    [Fact]
    public async Task LoadAsync_ReturnsKeys_AppendedWithTheirDelta()
    {
        using var dir = new TempDirectory();
        var (store, _) = await LoadAsync(dir.Path);
        IdempotencyRecord[] keys = [Key("a", 1_000, 3), Key("b", 1_001, 4, 5)];
        await using (store)
        {
            await store.AppendAsync(Delta("v1", 3), [keys[0]], Ct);
            await store.AppendAsync(Delta("v2", 5), [keys[1]], Ct);
            await store.AppendAsync(new CounterMap(), [Key("c", 1_002)], Ct); // a key alone is a record too
        }
        var (reopened, loaded) = await LoadAsync(dir.Path);
        await using (reopened)
        {
            Assert.True(loaded?.SameStateAs(Merged(Delta("v1", 3), Delta("v2", 5))), Describe(loaded));
            AssertKeys(["a", "b", "c"], reopened.LoadedKeys);
            Assert.Equal(keys[1], reopened.LoadedKeys[1] with { Totals = keys[1].Totals });
            Assert.Equal([4UL, 5UL], reopened.LoadedKeys[1].Totals);
        }
    }

    [Fact]
    public async Task AppendAsync_WritesPlainRecord_WhenThereAreNoKeys()
    {
        using var dir = new TempDirectory();
        var (store, _) = await LoadAsync(dir.Path);
        await using (store)
        {
            await store.AppendAsync(Delta("v1", 1), Ct);
            await store.AppendAsync(Delta("v1", 2), [Key("k", 5)], Ct);
        }
        var bytes = await File.ReadAllBytesAsync(Segment(dir.Path, 1), Ct);
        var first = FileHeader.Size + RecordFrame.HeaderSize;
        Assert.Equal("TL"u8.ToArray(), bytes[first..(first + 2)]); // byte-for-byte the first format
        var second = first + (int)RecordFrame.LengthOf(bytes.AsSpan(FileHeader.Size)) + RecordFrame.HeaderSize;
        Assert.Equal("TK"u8.ToArray(), bytes[second..(second + 2)]);
    }

    [Fact]
    public async Task SnapshotAsync_KeepsKeysInsideRetention_AcrossSnapshots()
    {
        using var dir = new TempDirectory();
        var (store, _) = await LoadAsync(dir.Path, configure: o => o.SnapshotsKept = 1);
        var state = new CounterMap();
        async Task AppendAsync(string video, ulong value, IdempotencyRecord key)
        {
            var delta = Delta(video, value);
            await store.AppendAsync(delta, [key], Ct);
            state.Merge(delta);
        }
        await using (store)
        {
            await AppendAsync("v1", 1, Key("old", 100));
            await AppendAsync("v1", 2, Key("kept-1", 200));
            await AppendAsync("v1", 3, Key("kept-2", 300));
            await store.SnapshotAsync(state, new KeyRetention(NotBeforeUnixMs: 200, CountMax: 10), Ct);
            await AppendAsync("v1", 4, Key("kept-3", 400));
            // A second snapshot: the first one's log is gone, so its keys must come from the snapshot itself.
            await store.SnapshotAsync(state, new KeyRetention(NotBeforeUnixMs: 200, CountMax: 10), Ct);
            await AppendAsync("v1", 5, Key("after", 500));
        }
        Assert.False(File.Exists(Segment(dir.Path, 1)), "the first segment is covered and deleted");
        var (reopened, loaded) = await LoadAsync(dir.Path);
        await using (reopened)
        {
            Assert.Equal(5UL, loaded!.EntryOf(VideoId.Parse("v1"), Self));
            AssertKeys(["kept-1", "kept-2", "kept-3", "after"], reopened.LoadedKeys);
        }
    }

    [Fact]
    public async Task SnapshotAsync_KeepsNewestKeys_UpToCountMax_AndNoneWithoutRetention()
    {
        using var dir = new TempDirectory();
        var (store, _) = await LoadAsync(dir.Path);
        await using (store)
        {
            for (var i = 1; i <= 5; i++)
            {
                await store.AppendAsync(Delta("v1", (ulong)i), [Key($"k{i}", i)], Ct);
            }
            await store.SnapshotAsync(Delta("v1", 5), new KeyRetention(0, 2), Ct);
        }
        var (reopened, _) = await LoadAsync(dir.Path);
        await using (reopened)
        {
            AssertKeys(["k4", "k5"], reopened.LoadedKeys);
            await reopened.SnapshotAsync(Delta("v1", 5), Ct); // no retention given: a store user without keys keeps none
        }
        var (again, _) = await LoadAsync(dir.Path);
        await using (again)
        {
            Assert.Empty(again.LoadedKeys);
        }
    }

    [Fact]
    public void KeyedPayload_RejectsEveryDamagedPayload_WithFormatError()
    {
        var frame = RecordFrame.Encode(Delta("v1", 7), [Key("key-1", 123, 7), Key("key-2", 124, 1, 2, 3)]);
        var payload = frame[RecordFrame.HeaderSize..].ToArray();
        var (keys, map) = KeyedPayload.Read(payload);
        Assert.Equal(2, keys.Count);
        Assert.Equal(7UL, CrdtBinary.DecodeMap(map.Span).EntryOf(VideoId.Parse("v1"), Self));
        var random = new Random(8);
        for (var i = 0; i < 5000; i++)
        {
            var damaged = (byte[])payload.Clone();
            if (i % 2 == 0)
            {
                damaged[random.Next(damaged.Length)] ^= (byte)(1 + random.Next(255));
            }
            else
            {
                damaged = damaged[..random.Next(damaged.Length)];
            }
            try
            {
                var (_, rest) = KeyedPayload.Read(damaged);
                CrdtBinary.DecodeMap(rest.Span);
            }
            catch (CrdtFormatException)
            {
                // the only failure allowed: the store turns it into StorageCorruptException
            }
        }
    }

    [Fact]
    public async Task TryRecoverAsync_TakesAppendsAgain_WhenTheDiskHasRoomAgain()
    {
        using var disk = new SmallDisk(megabytes: 2);
        var logger = new ListLogger<FileStateStore>();
        var (store, _) = await LoadAsync(disk.Path, logger);
        var acknowledged = new CounterMap();
        await using (store)
        {
            var big = new CounterMap();
            for (var v = 0; v < 2000; v++)
            {
                big.RaiseTo(VideoId.Parse($"video-{v:D5}"), Self, 1); // ~20 KiB per record: a full disk cuts one
            }
            await store.AppendAsync(big, [Key("before", 1)], Ct);
            acknowledged.Merge(big);
            disk.Fill();
            IOException? failure = null;
            for (ulong i = 2; i < 10_000 && failure is null; i++)
            {
                var delta = Delta("v1", i);
                try
                {
                    await store.AppendAsync(Merged(delta, Grow(big, i)), [Key($"k{i}", (long)i)], Ct);
                    acknowledged.Merge(Merged(delta, Grow(big, i)));
                }
                catch (IOException e)
                {
                    failure = e;
                }
            }
            Assert.NotNull(failure);
            Assert.Contains("No space left on device", store.Unavailable);
            await Assert.ThrowsAsync<IOException>(async () => await store.AppendAsync(Delta("v1", 99_999), Ct));
            Assert.False(await store.TryRecoverAsync(Ct), "the disk is still full");

            disk.Free();
            Assert.True(await store.TryRecoverAsync(Ct), $"the disk has room again: {store.Unavailable}");
            Assert.Null(store.Unavailable);
            await store.AppendAsync(Delta("v2", 1), [Key("after", 2)], Ct);
            acknowledged.Merge(Delta("v2", 1));
            Assert.Equal(1, store.Stats.Recoveries);
        }
        var reload = new ListLogger<FileStateStore>();
        var (reopened, loaded) = await LoadAsync(disk.Path, reload);
        await using (reopened)
        {
            Assert.True(loaded?.SameStateAs(acknowledged), $"exactly what was acknowledged loads: {Describe(loaded)}");
            Assert.DoesNotContain(reload.At(LogLevel.Warning), m => m.Contains("dropped", StringComparison.Ordinal));
            Assert.Contains("before", reopened.LoadedKeys.Select(k => k.Key));
            Assert.Contains("after", reopened.LoadedKeys.Select(k => k.Key));
        }
    }

    /// <summary><paramref name="map"/>'s videos raised to <paramref name="value"/>: a big record each time.</summary>
    static CounterMap Grow(CounterMap map, ulong value)
    {
        var grown = new CounterMap();
        foreach (var video in map.Videos)
        {
            grown.RaiseTo(video, Self, value);
        }
        return grown;
    }
}
