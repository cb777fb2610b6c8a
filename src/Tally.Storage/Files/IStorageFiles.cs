using Microsoft.Win32.SafeHandles;

namespace Tally.Storage.Files;

/// <summary>The file operations through which the store changes its data directory: opening, writing, truncating,
/// flushing to disk, renaming and deleting files, and flushing a directory. Reads go straight to the handles.</summary>
/// <remarks>The store uses <see cref="OsFiles"/>. A test can pass a layer that keeps in memory what the disk would
/// hold after a power cut (only what was flushed) and rewrites the directory to that at a simulated crash: a process
/// kill keeps the OS page cache, so only such a layer shows a missing or early fsync.</remarks>
public interface IStorageFiles
{
    /// <summary>Opens <paramref name="path"/> as <see cref="File.OpenHandle"/> does.</summary>
    SafeFileHandle Open(string path, FileMode mode, FileAccess access, FileShare share);

    /// <summary>Writes <paramref name="buffers"/> one after another from byte <paramref name="offset"/> (one gather
    /// write); the bytes are in the OS cache, not yet on disk.</summary>
    void Write(SafeFileHandle file, IReadOnlyList<ReadOnlyMemory<byte>> buffers, long offset);

    /// <summary>Writes <paramref name="bytes"/> from byte <paramref name="offset"/>.</summary>
    void Write(SafeFileHandle file, ReadOnlySpan<byte> bytes, long offset);

    /// <summary>Cuts or extends the file to <paramref name="length"/> bytes.</summary>
    void SetLength(SafeFileHandle file, long length);

    /// <summary>fsync: the file's content is on disk when this returns (not its name: see
    /// <see cref="FlushDirectory"/>).</summary>
    void FlushToDisk(SafeFileHandle file);

    /// <summary>Renames <paramref name="source"/> to <paramref name="destination"/>; durable once the directory is
    /// flushed.</summary>
    void Move(string source, string destination, bool overwrite);

    /// <summary>Deletes <paramref name="path"/> (nothing if it does not exist); durable once the directory is flushed.</summary>
    void Delete(string path);

    /// <summary>fsync of a directory: the names created, renamed or deleted in it are on disk when this returns.</summary>
    void FlushDirectory(string directory);
}
