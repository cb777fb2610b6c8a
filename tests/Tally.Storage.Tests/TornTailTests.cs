using Microsoft.Extensions.Logging;
using Tally.Crdt;
using Tally.Storage.Format;
using static Tally.Storage.Tests.Stores;

namespace Tally.Storage.Tests;

/// <summary>A crash can leave the last log record cut short or half written: load keeps every complete record,
/// cuts the rest and says how many bytes it dropped.</summary>
public class TornTailTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static readonly CounterMap A = Delta("v1", 10);
    static readonly CounterMap B = Delta("v2", 20);
    static readonly CounterMap C = Merged(Delta("v1", 11), Delta("v3", 1_000_000, "n2"));

    /// <summary>A directory whose log holds A, B and C; returns the log's bytes and where C starts.</summary>
    static async Task<(byte[] Log, int LastStart)> WriteThreeAsync(string directory)
    {
        var (store, _) = await LoadAsync(directory);
        await using (store)
        {
            foreach (var delta in new[] { A, B, C })
            {
                await store.AppendAsync(delta, Ct);
            }
        }
        var log = await File.ReadAllBytesAsync(Segment(directory, 1), Ct);
        return (log, log.Length - RecordFrame.Encode(C).Length);
    }

    [Fact]
    public async Task LoadAsync_KeepsCompleteRecords_WhenLastRecordIsCutAtAnyByte()
    {
        using var dir = new TempDirectory();
        var (log, lastStart) = await WriteThreeAsync(dir.Path);
        var expected = Merged(A, B);
        for (var cut = lastStart; cut < log.Length; cut++)
        {
            await File.WriteAllBytesAsync(Segment(dir.Path, 1), log[..cut], Ct);
            var logger = new ListLogger<FileStateStore>();
            var (store, loaded) = await LoadAsync(dir.Path, logger);
            await store.DisposeAsync();
            Assert.True(loaded?.SameStateAs(expected), $"cut at byte {cut}: A and B must be recovered, got {Describe(loaded)}");
            Assert.True(new FileInfo(Segment(dir.Path, 1)).Length == lastStart, $"cut at byte {cut}: the torn tail must be truncated");
            var warnings = logger.At(LogLevel.Warning).ToList();
            if (cut == lastStart)
            {
                Assert.True(warnings.Count == 0, $"a log ending at a record boundary is not torn: {string.Join("; ", warnings)}");
            }
            else
            {
                Assert.True(warnings.Any(w => w.Contains($"dropped {cut - lastStart} bytes", StringComparison.Ordinal)),
                    $"cut at byte {cut}: a warning must say {cut - lastStart} bytes were dropped, got: {string.Join("; ", warnings)}");
            }
        }
    }

    [Fact]
    public async Task LoadAsync_KeepsCompleteRecords_WhenAnyByteOfLastRecordIsFlipped()
    {
        using var dir = new TempDirectory();
        var (log, lastStart) = await WriteThreeAsync(dir.Path);
        var expected = Merged(A, B);
        for (var at = lastStart; at < log.Length; at++)
        {
            var damaged = (byte[])log.Clone();
            damaged[at] ^= 0x5A;
            await File.WriteAllBytesAsync(Segment(dir.Path, 1), damaged, Ct);
            var logger = new ListLogger<FileStateStore>();
            var (store, loaded) = await LoadAsync(dir.Path, logger);
            await store.DisposeAsync();
            Assert.True(loaded?.SameStateAs(expected), $"byte {at} flipped: A and B must be recovered, got {Describe(loaded)}");
            Assert.True(logger.At(LogLevel.Warning).Any(w => w.Contains($"dropped {log.Length - lastStart} bytes", StringComparison.Ordinal)),
                $"byte {at} flipped: the damaged record must be dropped with a warning");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(100)]
    [InlineData(5000)]
    public async Task LoadAsync_DropsGarbage_AfterLastRecord(int length)
    {
        using var dir = new TempDirectory();
        var (log, _) = await WriteThreeAsync(dir.Path);
        var garbage = new byte[length];
        new Random(length).NextBytes(garbage);
        foreach (var tail in new[] { garbage, new byte[length] }) // random bytes, and zeros as a file system may leave
        {
            await File.WriteAllBytesAsync(Segment(dir.Path, 1), [.. log, .. tail], Ct);
            var logger = new ListLogger<FileStateStore>();
            var (store, loaded) = await LoadAsync(dir.Path, logger);
            await store.DisposeAsync();
            Assert.True(loaded?.SameStateAs(Merged(A, B, C)), $"{length} bytes of garbage: every record must be recovered, got {Describe(loaded)}");
            Assert.Contains(logger.At(LogLevel.Warning), w => w.Contains($"dropped {length} bytes", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task LoadAsync_LeavesLogAppendable_AfterCuttingTornTail()
    {
        using var dir = new TempDirectory();
        var (log, lastStart) = await WriteThreeAsync(dir.Path);
        await File.WriteAllBytesAsync(Segment(dir.Path, 1), log[..(lastStart + 5)], Ct);
        var (store, _) = await LoadAsync(dir.Path);
        await using (store)
        {
            await store.AppendAsync(Delta("v4", 4), Ct);
        }
        var logger = new ListLogger<FileStateStore>();
        var (reopened, loaded) = await LoadAsync(dir.Path, logger);
        await using (reopened)
        {
            Assert.True(loaded?.SameStateAs(Merged(A, B, Delta("v4", 4))), $"an append after recovery must follow the good records: got {Describe(loaded)}");
            Assert.Empty(logger.At(LogLevel.Warning));
        }
    }
}
