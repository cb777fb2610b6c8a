using Microsoft.Extensions.Time.Testing;
using Tally.Storage.Format;
using static Tally.Storage.Tests.Stores;

namespace Tally.Storage.Tests;

/// <summary>Small rules of the data directory's files: the lock file names its holder, a header of one kind is not
/// read as the other, an incarnation file must hold a positive number, and arguments a caller must give are checked.</summary>
public class FileRulesTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Open_WritesTheHoldersProcessId_IntoTheLockFile()
    {
        using var dir = new TempDirectory();
        var lockPath = Path.Combine(dir.Path, DataFiles.Lock);
        await File.WriteAllTextAsync(lockPath, "a much longer stale content from before\n", Ct);
        var store = Open(dir.Path);
        await store.DisposeAsync(); // the lock's flock keeps even this process out while the store is open
        Assert.Equal($"{Environment.ProcessId}\n", await File.ReadAllTextAsync(lockPath, Ct));
    }

    [Fact]
    public void Parse_RefusesTheHeaderOfTheOtherKind()
    {
        var segment = new FileHeader(FileKind.Segment, 3, 0).ToBytes();
        var snapshot = new FileHeader(FileKind.Snapshot, 3, 7).ToBytes();
        Assert.NotNull(FileHeader.Parse(segment, FileKind.Segment, out _));
        Assert.Equal(7u, FileHeader.Parse(snapshot, FileKind.Snapshot, out _)!.Value.Records);
        Assert.Null(FileHeader.Parse(segment, FileKind.Snapshot, out var asSnapshot));
        Assert.Null(FileHeader.Parse(snapshot, FileKind.Segment, out var asSegment));
        Assert.Equal(("the header is damaged", "the header is damaged"), (asSnapshot, asSegment));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("x")]
    public void Next_Throws_WhenTheIncarnationFileHoldsNoPositiveNumber(string content)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(Path.Combine(dir.Path, DataFiles.Incarnation), content);
        Assert.Throws<InvalidDataException>(() => IncarnationFile.Next(dir.Path, new FakeTimeProvider(DateTimeOffset.UnixEpoch)));
    }

    [Fact]
    public void Next_CreatesTheDirectory_AndCountsUpFromTheStoredNumber()
    {
        using var dir = new TempDirectory();
        var nested = Path.Combine(dir.Path, "new");
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(5));
        Assert.Equal(5, IncarnationFile.Next(nested, clock));
        Assert.Equal(6, IncarnationFile.Next(nested, clock));
        Assert.Throws<ArgumentException>(() => IncarnationFile.Next("", clock));
    }

    [Fact]
    public async Task AppendAndSnapshot_Throw_ForAMissingArgument()
    {
        using var dir = new TempDirectory();
        var (store, _) = await LoadAsync(dir.Path);
        await using (store)
        {
            await Assert.ThrowsAsync<ArgumentNullException>(async () => await store.AppendAsync(null!, Ct));
            await Assert.ThrowsAsync<ArgumentNullException>(async () => await store.AppendAsync(Delta("v", 1), null!, Ct));
            await Assert.ThrowsAsync<ArgumentNullException>(async () => await store.SnapshotAsync(null!, Ct));
        }
        Assert.Throws<ArgumentNullException>(() => new FileStateStore(new StorageOptions { DataDirectory = dir.Path }, new ListLogger<FileStateStore>(), null, null!));
    }
}
