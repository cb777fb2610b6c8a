using System.Text;
using Tally.Storage.Format;

namespace Tally.Storage;

/// <summary>Holds a data directory for one process: its LOCK file stays open with <see cref="FileShare.None"/>, which
/// .NET enforces with flock(LOCK_EX) on Unix. The OS drops the lock when the process dies, so a crash leaves no stale
/// lock behind. (Setting DOTNET_SYSTEM_IO_DISABLEFILELOCKING turns this protection off.)</summary>
sealed class DirectoryLock : IDisposable
{
    readonly FileStream _file;

    DirectoryLock(FileStream file) => _file = file;

    /// <exception cref="DataDirectoryLockedException">Another process (or another store in this one) holds it.</exception>
    public static DirectoryLock Acquire(string directory)
    {
        var path = Path.Combine(directory, DataFiles.Lock);
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new DataDirectoryLockedException(
                $"The data directory '{directory}' is in use: another Tally node holds its lock file '{path}' " +
                "(its process id is written in that file). Stop that node, or give this one its own data directory.", e);
        }
        // For people: `cat LOCK` shows who holds it. Readers that honour the lock cannot open it.
        file.SetLength(0);
        file.Write(Encoding.ASCII.GetBytes($"{Environment.ProcessId}\n"));
        file.Flush();
        return new DirectoryLock(file);
    }

    public void Dispose() => _file.Dispose();
}
