using System.Globalization;

namespace Tally.Dashboard.Supervision;

/// <summary>An exclusive lock on a <c>tally up</c> data root (<c>tally-up.lock</c>; the owner's pid in <c>tally-up.pid</c>,
/// as a locked file cannot be read by others), so a
/// second <c>tally up</c> on the same root refuses before it starts anything. The OS releases it when the process ends,
/// also on a crash, so a stale file never blocks. (.NET takes an advisory <c>flock</c> for <see cref="FileShare.None"/>
/// on Unix.)</summary>
public sealed class DataRootLock : IDisposable
{
    public const string FileName = "tally-up.lock";
    public const string PidFileName = "tally-up.pid";

    readonly FileStream _file;

    DataRootLock(FileStream file) => _file = file;

    /// <summary>Takes the lock, or returns null with the pid written by the holder (null if unreadable).</summary>
    public static DataRootLock? TryAcquire(string dataRoot, out int? holder)
    {
        Directory.CreateDirectory(dataRoot);
        var path = Path.Combine(dataRoot, FileName);
        holder = null;
        try
        {
            var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            File.WriteAllText(Path.Combine(dataRoot, PidFileName), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            return new(file);
        }
        catch (IOException)
        {
            try
            {
                var text = File.ReadAllText(Path.Combine(dataRoot, PidFileName)).Trim();
                holder = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
            }
            catch (IOException)
            {
            }
            return null;
        }
    }

    public void Dispose() => _file.Dispose();
}
