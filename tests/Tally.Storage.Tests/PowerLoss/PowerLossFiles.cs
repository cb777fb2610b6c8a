using Microsoft.Win32.SafeHandles;
using Tally.Storage.Files;

namespace Tally.Storage.Tests.PowerLoss;

/// <summary>A file layer that loses what a power cut loses. Every change goes to the real files, which play the OS
/// page cache (so reads see it), and is also kept in memory as an unsynced change of its file; an fsync moves a
/// file's unsynced changes to its "disk" image, a directory fsync makes the directory's current names durable.
/// <see cref="Crash"/> (or reaching the operation set by <see cref="CrashAt"/>) cuts the power: every later operation
/// throws. <see cref="RestoreDisk"/> then rewrites the directory to what the disk holds, so a new store sees exactly
/// what a machine would after the cut.</summary>
/// <remarks>Each file keeps on disk its fsynced content, then, with <c>tear</c> set, a random prefix of its unsynced
/// changes in order, the last of them possibly cut at a random byte (a write the cut tore). Names created, renamed or
/// deleted since the last fsync of their directory are undone. Files are tracked by path; a path the layer has not
/// seen is taken as durable with what the real file holds when it first sees it.</remarks>
sealed class PowerLossFiles : IStorageFiles
{
    readonly Lock _lock = new();
    readonly Dictionary<string, Inode> _names = new(StringComparer.Ordinal);
    readonly Dictionary<string, Inode> _durableNames = new(StringComparer.Ordinal);
    readonly Dictionary<SafeFileHandle, Inode> _handles = new();
    readonly TaskCompletionSource _crashed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    long _operations;
    long _crashAt = long.MaxValue;

    /// <summary>Operations done so far (opens, writes, truncations, fsyncs, renames, deletes, directory fsyncs).</summary>
    public long Operations
    {
        get
        {
            lock (_lock)
            {
                return _operations;
            }
        }
    }

    /// <summary>File fsyncs done so far.</summary>
    public long FileFlushes { get; private set; }

    /// <summary>Completes when the power is cut.</summary>
    public Task Crashed => _crashed.Task;

    public bool IsCrashed => _crashed.Task.IsCompleted;

    /// <summary>Cuts the power when operation number <paramref name="operation"/> (1-based) starts: it and everything
    /// after it fail.</summary>
    public void CrashAt(long operation)
    {
        lock (_lock)
        {
            _crashAt = operation;
        }
    }

    /// <summary>Cuts the power now.</summary>
    public void Crash()
    {
        lock (_lock)
        {
            _crashed.TrySetResult();
        }
    }

    /// <summary>After the crash, and once every handle of the crashed store is closed: rewrites the real files to what
    /// the disk holds (see the class remarks). With <paramref name="tear"/>, unsynced changes survive in part, as a
    /// random prefix; without it, none does.</summary>
    public void RestoreDisk(Random? tear = null)
    {
        lock (_lock)
        {
            if (!IsCrashed)
            {
                throw new InvalidOperationException("RestoreDisk runs after a crash.");
            }
            var images = new Dictionary<Inode, byte[]>();
            foreach (var path in _names.Keys.Union(_durableNames.Keys).ToList())
            {
                if (_durableNames.TryGetValue(path, out var inode))
                {
                    if (!images.TryGetValue(inode, out var image))
                    {
                        image = inode.DiskImage(tear);
                        images[inode] = image;
                    }
                    File.WriteAllBytes(path, image);
                }
                else
                {
                    File.Delete(path);
                }
            }
        }
    }

    public SafeFileHandle Open(string path, FileMode mode, FileAccess access, FileShare share)
    {
        path = Path.GetFullPath(path);
        lock (_lock)
        {
            Step();
            var existed = Known(path);
            var handle = File.OpenHandle(path, mode, access, share);
            if (existed is null)
            {
                existed = new Inode([]);
                _names[path] = existed;
            }
            else if (mode is FileMode.Create or FileMode.Truncate)
            {
                existed.Pending.Add(Change.Truncate(0));
            }
            _handles[handle] = existed;
            return handle;
        }
    }

    public void Write(SafeFileHandle file, IReadOnlyList<ReadOnlyMemory<byte>> buffers, long offset)
    {
        lock (_lock)
        {
            Step();
            RandomAccess.Write(file, buffers, offset);
            var bytes = new byte[buffers.Sum(b => b.Length)];
            var at = 0;
            foreach (var buffer in buffers)
            {
                buffer.Span.CopyTo(bytes.AsSpan(at));
                at += buffer.Length;
            }
            _handles[file].Pending.Add(Change.Write(offset, bytes));
        }
    }

    public void Write(SafeFileHandle file, ReadOnlySpan<byte> bytes, long offset)
    {
        lock (_lock)
        {
            Step();
            RandomAccess.Write(file, bytes, offset);
            _handles[file].Pending.Add(Change.Write(offset, bytes.ToArray()));
        }
    }

    public void SetLength(SafeFileHandle file, long length)
    {
        lock (_lock)
        {
            Step();
            RandomAccess.SetLength(file, length);
            _handles[file].Pending.Add(Change.Truncate(length));
        }
    }

    public void FlushToDisk(SafeFileHandle file)
    {
        lock (_lock)
        {
            Step();
            _handles[file].Sync(); // the real fsync is not needed: the disk is the image kept here
            FileFlushes++;
        }
    }

    public void Move(string source, string destination, bool overwrite)
    {
        (source, destination) = (Path.GetFullPath(source), Path.GetFullPath(destination));
        lock (_lock)
        {
            Step();
            var inode = Known(source);
            Known(destination);
            File.Move(source, destination, overwrite);
            if (inode is not null)
            {
                _names.Remove(source);
                _names[destination] = inode;
            }
        }
    }

    public void Delete(string path)
    {
        path = Path.GetFullPath(path);
        lock (_lock)
        {
            Step();
            Known(path);
            File.Delete(path);
            _names.Remove(path);
        }
    }

    public void FlushDirectory(string directory)
    {
        directory = Path.GetFullPath(directory);
        lock (_lock)
        {
            Step();
            foreach (var path in _durableNames.Keys.Where(p => InDirectory(p, directory)).ToList())
            {
                _durableNames.Remove(path);
            }
            foreach (var (path, inode) in _names.Where(n => InDirectory(n.Key, directory)))
            {
                _durableNames[path] = inode;
            }
        }
    }

    static bool InDirectory(string path, string directory) =>
        string.Equals(Path.GetDirectoryName(path), Path.TrimEndingDirectorySeparator(directory), StringComparison.Ordinal);

    /// <summary>Counts an operation, cutting the power at the chosen one; throws once the power is off.</summary>
    void Step()
    {
        if (!IsCrashed && ++_operations >= _crashAt)
        {
            _crashed.TrySetResult();
        }
        if (IsCrashed)
        {
            throw new IOException("Input/output error (simulated power loss)");
        }
    }

    /// <summary>The file at <paramref name="path"/>, first seen now if it exists but was never touched here.</summary>
    Inode? Known(string path)
    {
        if (_names.TryGetValue(path, out var inode))
        {
            return inode;
        }
        if (_durableNames.ContainsKey(path) || !File.Exists(path))
        {
            return null; // deleted or renamed away since the last directory fsync, or never there
        }
        inode = new Inode(File.ReadAllBytes(path));
        _names[path] = inode;
        _durableNames[path] = inode;
        return inode;
    }

    /// <summary>One file: what its disk holds, and the changes since its last fsync, in order.</summary>
    sealed class Inode(byte[] disk)
    {
        byte[] _disk = disk;

        public List<Change> Pending { get; } = [];

        public void Sync()
        {
            _disk = Apply(_disk, Pending, Pending.Count, tornBytes: null);
            Pending.Clear();
        }

        public byte[] DiskImage(Random? tear)
        {
            if (tear is null || Pending.Count == 0)
            {
                return _disk;
            }
            var kept = tear.Next(Pending.Count + 1);
            int? torn = kept < Pending.Count && Pending[kept].Bytes is { Length: > 1 } bytes && tear.Next(2) == 0
                ? tear.Next(1, bytes.Length)
                : null;
            return Apply(_disk, Pending, kept, torn);
        }

        static byte[] Apply(byte[] disk, List<Change> changes, int count, int? tornBytes)
        {
            var image = new MemoryStream();
            image.Write(disk);
            for (var i = 0; i < count + (tornBytes is null ? 0 : 1); i++)
            {
                var change = changes[i];
                if (change.Bytes is null)
                {
                    image.SetLength(change.Offset);
                    continue;
                }
                var bytes = i == count ? change.Bytes.AsSpan(0, tornBytes!.Value) : change.Bytes;
                if (image.Length < change.Offset)
                {
                    image.SetLength(change.Offset);
                }
                image.Position = change.Offset;
                image.Write(bytes);
            }
            return image.ToArray();
        }
    }

    /// <summary>A write of <see cref="Bytes"/> at <see cref="Offset"/>, or with no bytes a truncation to
    /// <see cref="Offset"/>.</summary>
    readonly record struct Change(long Offset, byte[]? Bytes)
    {
        public static Change Write(long offset, byte[] bytes) => new(offset, bytes);

        public static Change Truncate(long length) => new(length, null);
    }
}
