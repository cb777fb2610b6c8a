using Tally.Crdt;
using static Tally.Storage.Tests.Stores;

namespace Tally.Storage.Tests.PowerLoss;

/// <summary>The store over <see cref="PowerLossFiles"/>: the power is cut at a chosen file operation and the
/// directory is rewritten to what a disk would hold. Every append that completed must be there after recovery.</summary>
public class PowerLossTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static FileStateStore Open(string directory, PowerLossFiles files, int batchBytesMax = 4 << 20) =>
        new(new StorageOptions { DataDirectory = directory, BatchBytesMax = batchBytesMax }, new ListLogger<FileStateStore>(), null, files);

    [Fact]
    public async Task AppendAsync_IsOnDisk_WhenThePowerFailsRightAfterItCompletes()
    {
        using var dir = new TempDirectory();
        var files = new PowerLossFiles();
        var store = Open(dir.Path, files);
        await store.LoadAsync(Ct);
        var flushesBefore = files.FileFlushes;
        for (var i = 1; i <= 20; i++)
        {
            await store.AppendAsync(Delta($"v{i % 3}", (ulong)i), Ct);
        }
        var counted = store.Stats.Flushes;
        files.Crash();
        await store.DisposeAsync();
        files.RestoreDisk();

        Assert.True(files.FileFlushes - flushesBefore == counted,
            $"the store counted {counted} fsyncs but the file layer saw {files.FileFlushes - flushesBefore}: its counter must count real fsyncs");
        var (reopened, loaded) = await LoadAsync(dir.Path);
        await using (reopened)
        {
            foreach (var (video, value) in new[] { ("v0", 18UL), ("v1", 19UL), ("v2", 20UL) })
            {
                Assert.True(loaded?.EntryOf(VideoId.Parse(video), Self) == value,
                    $"{video} was acknowledged at {value} before the power failed; the disk holds {Describe(loaded)}");
            }
        }
    }

    [Fact]
    public async Task AppendAsync_LosesNothingAcknowledged_WhenThePowerFailsAtAnyOperation()
    {
        // Each seed cuts the power three times at a drawn file operation (during load, an append, a roll or a
        // snapshot), recovering in between; even seeds keep a random torn prefix of the unsynced writes.
        for (var seed = 0; seed < 60; seed++)
        {
            await PowerCutRunAsync(seed);
        }
    }

    static async Task PowerCutRunAsync(int seed)
    {
        var random = new Random(seed);
        using var dir = new TempDirectory();
        var acked = new CounterMap();
        var tried = new CounterMap();
        for (var cut = 0; cut < 3; cut++)
        {
            var files = new PowerLossFiles();
            files.CrashAt(random.Next(1, 260));
            var store = Open(dir.Path, files, batchBytesMax: random.Next(2) == 0 ? 64 : 4 << 20);
            try
            {
                CounterMap? loaded;
                try
                {
                    loaded = await store.LoadAsync(Ct);
                }
                catch (IOException) when (files.IsCrashed)
                {
                    continue; // the power failed while recovering
                }
                AssertHolds(loaded, acked, tried, seed, $"after power cut {cut}");
                await WorkAsync(store, files, acked, tried, cut, random.Next());
            }
            finally
            {
                files.Crash();
                await store.DisposeAsync();
                files.RestoreDisk(seed % 2 == 0 ? random : null);
            }
        }
        var (reopened, final) = await LoadAsync(dir.Path);
        await using (reopened)
        {
            AssertHolds(final, acked, tried, seed, "after the last power cut");
        }
    }

    /// <summary>Four writers append rising entries of their own replica until the power fails (or 50 each); the first
    /// also takes a snapshot of what was acknowledged every 10 appends, as a host does with its applied state.</summary>
    static async Task WorkAsync(FileStateStore store, PowerLossFiles files, CounterMap acked, CounterMap tried, int cut, int seed)
    {
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            var random = new Random(seed + w);
            var replica = ReplicaId.Parse($"w{cut}-{w}");
            for (var i = 1; i <= 50 && !files.IsCrashed; i++)
            {
                var video = VideoId.Parse($"v{random.Next(5)}");
                var delta = CounterMap.Single(video, replica, (ulong)i);
                lock (tried)
                {
                    tried.Merge(delta);
                }
                try
                {
                    await store.AppendAsync(delta, CancellationToken.None);
                }
                catch (IOException) when (files.IsCrashed)
                {
                    return;
                }
                CounterMap? state = null;
                lock (acked)
                {
                    acked.Merge(delta);
                    if (w == 0 && i % 10 == 0)
                    {
                        state = acked.Clone();
                    }
                }
                if (state is not null)
                {
                    try
                    {
                        await store.SnapshotAsync(state, CancellationToken.None);
                    }
                    catch (IOException) when (files.IsCrashed)
                    {
                        return;
                    }
                }
            }
        }));
        await Task.WhenAll(writers);
    }

    static void AssertHolds(CounterMap? loaded, CounterMap acked, CounterMap tried, int seed, string when)
    {
        foreach (var video in acked.Videos)
        {
            foreach (var (replica, value) in acked.Get(video).Entries)
            {
                var found = loaded?.EntryOf(video, replica) ?? 0;
                Assert.True(found >= value,
                    $"Seed={seed}: {video}/{replica} was acknowledged at {value} but the disk holds {found} {when}");
            }
        }
        foreach (var video in loaded?.Videos ?? [])
        {
            foreach (var (replica, value) in loaded!.Get(video).Entries)
            {
                Assert.True(value <= tried.EntryOf(video, replica),
                    $"Seed={seed}: {video}/{replica} holds {value}, more than was ever appended, {when}");
            }
        }
    }
}
