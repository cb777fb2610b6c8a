using Tally.Crdt;
using Tally.Storage.Tests.PowerLoss;
using static Tally.Storage.Tests.Stores;

namespace Tally.Storage.Tests.Faults;

/// <summary>Failing disks and power cuts together, in random order: appends, a write or fsync that fails (refused, or
/// reaching the disk and then reporting an error), <see cref="FileStateStore.TryRecoverAsync"/>, more appends, then a
/// power cut at a drawn operation and a load. Every acknowledged append must load; an append that failed must not,
/// once a recovery after it returned true.</summary>
public class FailureThenPowerCutTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AppendAsync_LosesNothingAcknowledged_WhenAFailedAppendIsRecoveredAndThenThePowerFails()
    {
        var (recovered, failed) = (0, 0);
        for (var seed = 0; seed < 40; seed++)
        {
            var (r, f) = await RunAsync(seed);
            (recovered, failed) = (recovered + r, failed + f);
        }
        Assert.True(recovered > 10 && failed > recovered, $"the runs must fail and recover appends: {failed} failed, {recovered} recovered");
    }

    static async Task<(int Recovered, int Failed)> RunAsync(int seed)
    {
        var random = new Random(seed);
        using var dir = new TempDirectory();
        var power = new PowerLossFiles();
        var files = new FaultyFiles(power);
        var store = new FileStateStore(new StorageOptions { DataDirectory = dir.Path }, new ListLogger<FileStateStore>(), null, files);
        var acked = new List<string>();
        var cutForGood = new List<string>();
        var failedSinceRecovery = new List<string>();
        try
        {
            await store.LoadAsync(Ct);
            for (var i = 0; i < 40 && !power.IsCrashed; i++)
            {
                if (random.Next(6) == 0)
                {
                    ArmOneFault(files, random.Next(3));
                }
                if (i == 20)
                {
                    power.CrashAt(power.Operations + random.Next(1, 30));
                }
                var video = $"v{i}";
                try
                {
                    await store.AppendAsync(Delta(video, 1), Ct);
                    acked.Add(video);
                }
                catch (IOException)
                {
                    failedSinceRecovery.Add(video);
                    try
                    {
                        if (await store.TryRecoverAsync(Ct))
                        {
                            cutForGood.AddRange(failedSinceRecovery);
                            failedSinceRecovery.Clear();
                            if (random.Next(2) == 0)
                            {
                                // Soon after a recovery, before or within the next append: what the recovery left
                                // unsynced is what the cut loses.
                                power.CrashAt(power.Operations + random.Next(1, 6));
                            }
                        }
                    }
                    catch (IOException) when (power.IsCrashed)
                    {
                    }
                }
            }
        }
        finally
        {
            power.Crash();
            await store.DisposeAsync();
        }
        power.RestoreDisk(seed % 2 == 0 ? random : null);
        var (reopened, loaded) = await LoadAsync(dir.Path);
        await using (reopened)
        {
            foreach (var video in acked)
            {
                Assert.True(loaded?.EntryOf(VideoId.Parse(video), Self) == 1,
                    $"seed {seed}: {video} was acknowledged before the power failed; the disk holds {Describe(loaded)}");
            }
            foreach (var video in cutForGood)
            {
                Assert.True(loaded is null || !loaded.Contains(VideoId.Parse(video)),
                    $"seed {seed}: {video} failed and a recovery after it succeeded, so it must never load: {Describe(loaded)}");
            }
        }
        return (cutForGood.Count, cutForGood.Count + failedSinceRecovery.Count);
    }

    /// <summary>Fails the next log segment write (kind 0), fsync before it runs (1) or fsync after it ran (2), once.</summary>
    static void ArmOneFault(FaultyFiles files, int kind)
    {
        var armed = 1;
        Func<FileCall, string?> once(FileOp op) => call =>
            call.Op == op && call.Path.EndsWith(".tlog", StringComparison.Ordinal) && Interlocked.Exchange(ref armed, 0) == 1
                ? $"Input/output error ({op})" : null;
        (files.Before, files.After) = kind switch
        {
            0 => (once(FileOp.Write), null),
            1 => (once(FileOp.FlushToDisk), null),
            _ => ((Func<FileCall, string?>?)null, once(FileOp.FlushToDisk)),
        };
    }
}
