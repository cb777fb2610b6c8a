using System.Globalization;
using System.Text;
using Tally.Storage.Format;

namespace Tally.Storage;

/// <summary>The node's incarnation, kept in the data directory's <c>incarnation</c> file (one decimal number), so
/// each start of a node id gets a number greater than every earlier start's, even if the clock went back.</summary>
public static class IncarnationFile
{
    /// <summary>Returns max(unix milliseconds now, stored + 1) and stores it durably (temporary file, fsync, rename,
    /// directory fsync) before returning. Call it once at start, while holding the directory (an open
    /// <see cref="FileStateStore"/>), and pass the result to the ReplicaNode.</summary>
    /// <exception cref="InvalidDataException">The file exists but does not hold a number: an incarnation that might
    /// not be greater than the last one is never handed out.</exception>
    public static long Next(string dataDirectory, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, DataFiles.Incarnation);
        var stored = File.Exists(path) ? Parse(File.ReadAllText(path, Encoding.ASCII), path) : 0;
        var next = Math.Max(time.GetUtcNow().ToUnixTimeMilliseconds(), checked(stored + 1));
        DurableFile.WriteAtomically(dataDirectory, DataFiles.Incarnation, [Encoding.ASCII.GetBytes($"{next}\n")]);
        return next;
    }

    static long Parse(string text, string path) =>
        long.TryParse(text.AsSpan().Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new InvalidDataException(
                $"The incarnation file '{path}' does not hold a positive number. Write a number at least as large as the node's last incarnation into it (or the current unix time in milliseconds if the clock is right) and start again.");
}
