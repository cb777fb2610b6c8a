using Microsoft.Win32.SafeHandles;
using Tally.Storage.Files;

namespace Tally.Storage.Tests.Faults;

/// <summary>One file operation as <see cref="FaultyFiles"/> sees it: <see cref="Path"/> is the file (or for
/// <see cref="FileOp.FlushDirectory"/> the directory), <see cref="Handle"/> the open file of a handle operation,
/// <see cref="Bytes"/> the bytes a write writes.</summary>
sealed record FileCall(FileOp Op, string Path, SafeFileHandle? Handle, long Bytes);

enum FileOp
{
    Open,
    Write,
    SetLength,
    FlushToDisk,
    Move,
    Delete,
    FlushDirectory,
}

/// <summary>A file layer over another (<see cref="OsFiles"/> or <c>PowerLossFiles</c>) that fails the operations a
/// test picks, as a failing disk does: <see cref="Before"/> throws instead of doing the operation (a write or fsync
/// refused), <see cref="After"/> does it and then throws (an fsync that reached the disk but reported an error).
/// Each returns the error's message for the operations to fail, null for the others. It also keeps every handle it
/// opened, so a test can check that none is left open.</summary>
sealed class FaultyFiles(IStorageFiles inner) : IStorageFiles
{
    readonly Lock _lock = new();
    readonly List<(SafeFileHandle Handle, string Path)> _opened = [];
    readonly Dictionary<FileOp, int> _counts = [];

    public Func<FileCall, string?>? Before { get; set; }

    public Func<FileCall, string?>? After { get; set; }

    /// <summary>Files opened here and not closed yet, by name.</summary>
    public IReadOnlyList<string> OpenFiles
    {
        get
        {
            lock (_lock)
            {
                return [.. _opened.Where(o => !o.Handle.IsClosed).Select(o => System.IO.Path.GetFileName(o.Path))];
            }
        }
    }

    /// <summary>Operations of <paramref name="op"/> that ran (or were failed) so far.</summary>
    public int Count(FileOp op)
    {
        lock (_lock)
        {
            return _counts.GetValueOrDefault(op);
        }
    }

    public SafeFileHandle Open(string path, FileMode mode, FileAccess access, FileShare share)
    {
        var handle = Run(new FileCall(FileOp.Open, path, null, 0), () => inner.Open(path, mode, access, share));
        lock (_lock)
        {
            _opened.Add((handle, path));
        }
        return handle;
    }

    public void Write(SafeFileHandle file, IReadOnlyList<ReadOnlyMemory<byte>> buffers, long offset) =>
        Run(new FileCall(FileOp.Write, PathOf(file), file, buffers.Sum(b => (long)b.Length)), () => inner.Write(file, buffers, offset));

    public void Write(SafeFileHandle file, ReadOnlySpan<byte> bytes, long offset)
    {
        var copy = bytes.ToArray();
        Run(new FileCall(FileOp.Write, PathOf(file), file, copy.Length), () => inner.Write(file, copy, offset));
    }

    public void SetLength(SafeFileHandle file, long length) =>
        Run(new FileCall(FileOp.SetLength, PathOf(file), file, 0), () => inner.SetLength(file, length));

    public void FlushToDisk(SafeFileHandle file) =>
        Run(new FileCall(FileOp.FlushToDisk, PathOf(file), file, 0), () => inner.FlushToDisk(file));

    public void Move(string source, string destination, bool overwrite) =>
        Run(new FileCall(FileOp.Move, source, null, 0), () => inner.Move(source, destination, overwrite));

    public void Delete(string path) => Run(new FileCall(FileOp.Delete, path, null, 0), () => inner.Delete(path));

    public void FlushDirectory(string directory) =>
        Run(new FileCall(FileOp.FlushDirectory, directory, null, 0), () => inner.FlushDirectory(directory));

    string PathOf(SafeFileHandle file)
    {
        lock (_lock)
        {
            return _opened.LastOrDefault(o => o.Handle == file).Path ?? "";
        }
    }

    void Run(FileCall call, Action operation) => Run(call, () =>
    {
        operation();
        return 0;
    });

    T Run<T>(FileCall call, Func<T> operation)
    {
        lock (_lock)
        {
            _counts[call.Op] = _counts.GetValueOrDefault(call.Op) + 1;
        }
        if (Before?.Invoke(call) is { } refused)
        {
            throw new IOException(refused);
        }
        var result = operation();
        if (After?.Invoke(call) is { } failed)
        {
            throw new IOException(failed);
        }
        return result;
    }
}
