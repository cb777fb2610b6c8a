using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using Tally.Storage.Format;
using System.ComponentModel.DataAnnotations;
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

    [Fact]
    public async Task Open_ShowsTheHoldersProcessId_ToCat_WhileItHoldsTheLock()
    {
        using var dir = new TempDirectory();
        await using var store = Open(dir.Path);
        var cat = new ProcessStartInfo("cat", Path.Combine(dir.Path, DataFiles.Lock)) { RedirectStandardOutput = true };
        using var process = Process.Start(cat)!;
        var shown = await process.StandardOutput.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        Assert.Equal($"{Environment.ProcessId}\n", shown);
    }

    [Fact]
    public async Task Files_StartWithTheMagicOfTheirKind()
    {
        // The on-disk format (docs/storage.md): files written by one build are read by the next.
        using var dir = new TempDirectory();
        var (store, _) = await LoadAsync(dir.Path);
        await using (store)
        {
            await store.SnapshotAsync(Delta("v1", 1), Ct);
        }
        Assert.Equal("TLOG"u8.ToArray(), File.ReadAllBytes(Segment(dir.Path, 1))[..4]);
        Assert.Equal("TSNP"u8.ToArray(), File.ReadAllBytes(Snapshot(dir.Path, 2))[..4]);
    }

    [Fact]
    public void Next_Throws_WhenTheStoredIncarnationCannotGrow()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(Path.Combine(dir.Path, DataFiles.Incarnation), $"{long.MaxValue}\n");
        Assert.Throws<OverflowException>(() => IncarnationFile.Next(dir.Path, new FakeTimeProvider(DateTimeOffset.UnixEpoch)));
    }

    [Fact]
    public void Options_RequireADataDirectory_ByDefault()
    {
        var options = new StorageOptions();
        Assert.Throws<ValidationException>(() => new FileStateStore(options, new ListLogger<FileStateStore>()));
    }

    [Fact]
    public void DirectorySync_Throws_ForAMissingDirectory()
    {
        using var dir = new TempDirectory();
        Assert.Throws<IOException>(() => DirectorySync.Flush(Path.Combine(dir.Path, "missing")));
    }

    [Fact]
    public void DirectorySync_ClosesWhatItOpens()
    {
        using var dir = new TempDirectory();
        // Entries, not files: a descriptor of a directory is a link to a directory.
        var before = Directory.GetFileSystemEntries("/proc/self/fd").Length;
        for (var i = 0; i < 2000; i++)
        {
            DirectorySync.Flush(dir.Path);
        }
        var after = Directory.GetFileSystemEntries("/proc/self/fd").Length;
        // Other tests open files meanwhile; 2000 leaked descriptors would stand out.
        Assert.True(after - before < 500, $"{after - before} more descriptors open after 2000 directory fsyncs");
    }

    [Fact]
    public void TryRead_Throws_WhenTheFileIsShorterThanTheRangeToRead()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "records");
        var frame = RecordFrame.Encode(Delta("v1", 1));
        File.WriteAllBytes(path, frame.Span[..^2].ToArray()); // cut under the reader, after it took the file's length
        using var file = File.OpenHandle(path);
        using var reader = new RecordReader(file, 0, frame.Length);
        Assert.Throws<EndOfStreamException>(() => reader.TryRead(out _));
    }
}
