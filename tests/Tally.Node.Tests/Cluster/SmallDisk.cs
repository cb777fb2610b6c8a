using System.Diagnostics;

namespace Tally.Node.Tests.Cluster;

/// <summary>A real, small file system (tmpfs) mounted on a directory, so a test can fill the disk the node writes to
/// and free it again. Mounting needs root; without it the test fails with a message that says so. Dispose unmounts it and deletes the directory.</summary>
sealed class SmallDisk : IDisposable
{
    const int ChunkBytes = 4096;
    readonly string _filler;

    public SmallDisk(string directory, int megabytes)
    {
        if (!OperatingSystem.IsLinux() || !Environment.IsPrivilegedProcess)
        {
            Assert.Fail("This test mounts a small tmpfs as a node's data directory to fill its disk for real: run it as root on Linux.");
        }
        Directory.CreateDirectory(directory);
        Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", directory);
        Path = directory;
        _filler = System.IO.Path.Combine(directory, "filler");
    }

    public string Path { get; }

    /// <summary>Writes a file that takes every free byte (until the file system says it is full).</summary>
    public void Fill()
    {
        var chunk = new byte[ChunkBytes];
        using var file = new FileStream(_filler, FileMode.Append, FileAccess.Write, FileShare.None, 1, FileOptions.None);
        try
        {
            while (true)
            {
                file.Write(chunk);
            }
        }
        catch (IOException)
        {
            // ENOSPC: the disk is full.
        }
    }

    /// <summary>Deletes the filler: the disk has room again.</summary>
    public void Free() => File.Delete(_filler);

    public void Dispose()
    {
        Run("umount", "-l", Path);
        Directory.Delete(Path, recursive: true);
    }

    static void Run(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{command} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}");
    }
}
