using System.Diagnostics;

namespace Tally.Storage.Tests;

/// <summary>A real, small tmpfs mounted on a directory (a fresh one, or e.g. a node's data directory), so a test can
/// fill the disk for real and free it again. Mounting needs root; without it the test fails with a message that says
/// so. Dispose unmounts and deletes the directory. (Shared with Tally.Node.Tests as a linked file.)</summary>
sealed class SmallDisk : IDisposable
{
    readonly string _filler;

    /// <param name="directory">Where to mount it (created); null for a fresh directory under the temp path.</param>
    public SmallDisk(int megabytes, string? directory = null)
    {
        if (!OperatingSystem.IsLinux() || !Environment.IsPrivilegedProcess)
        {
            Assert.Fail("This test mounts a small tmpfs to fill a disk for real: run it as root on Linux.");
        }
        Path = directory ?? System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tally-small-disk-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
        Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", Path);
        _filler = System.IO.Path.Combine(Path, "filler");
    }

    public string Path { get; }

    /// <summary>Writes a file that takes every free block.</summary>
    public void Fill()
    {
        var chunk = new byte[4096];
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
