using Microsoft.Win32.SafeHandles;
using Tally.Storage.Format;

namespace Tally.Storage.Files;

/// <summary>The real file system: each operation is the BCL call (or libc's fsync for a directory) it names.</summary>
public sealed class OsFiles : IStorageFiles
{
    public static OsFiles Instance { get; } = new();

    OsFiles()
    {
    }

    public SafeFileHandle Open(string path, FileMode mode, FileAccess access, FileShare share) =>
        File.OpenHandle(path, mode, access, share);

    public void Write(SafeFileHandle file, IReadOnlyList<ReadOnlyMemory<byte>> buffers, long offset) =>
        RandomAccess.Write(file, buffers, offset);

    public void Write(SafeFileHandle file, ReadOnlySpan<byte> bytes, long offset) => RandomAccess.Write(file, bytes, offset);

    public void SetLength(SafeFileHandle file, long length) => RandomAccess.SetLength(file, length);

    public void FlushToDisk(SafeFileHandle file) => RandomAccess.FlushToDisk(file);

    public void Move(string source, string destination, bool overwrite) => File.Move(source, destination, overwrite);

    public void Delete(string path) => File.Delete(path);

    public void FlushDirectory(string directory) => DirectorySync.Flush(directory);
}
