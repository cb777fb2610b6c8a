using System.Globalization;

namespace Tally.Storage.Format;

/// <summary>Names of the files in a data directory. Sequence numbers are zero-padded so names sort like numbers.</summary>
static class DataFiles
{
    public const string Lock = "LOCK";
    public const string Incarnation = "incarnation";
    public const string Replica = "replica";
    public const string Cluster = "cluster";
    public const string TempSuffix = ".tmp";
    public const string CorruptSuffix = ".corrupt";
    const string SegmentPrefix = "log-";
    const string SegmentSuffix = ".tlog";
    const string SnapshotPrefix = "snapshot-";
    const string SnapshotSuffix = ".tsnap";

    public static string SegmentName(long sequence) => $"{SegmentPrefix}{sequence:D16}{SegmentSuffix}";

    public static string SnapshotName(long sequence) => $"{SnapshotPrefix}{sequence:D16}{SnapshotSuffix}";

    /// <summary>Log segments by sequence, ascending.</summary>
    public static SortedList<long, string> Segments(string directory) => List(directory, SegmentPrefix, SegmentSuffix);

    /// <summary>Snapshots by sequence, ascending (files set aside as corrupt are not listed).</summary>
    public static SortedList<long, string> Snapshots(string directory) => List(directory, SnapshotPrefix, SnapshotSuffix);

    static SortedList<long, string> List(string directory, string prefix, string suffix)
    {
        var files = new SortedList<long, string>();
        foreach (var path in Directory.EnumerateFiles(directory, prefix + "*" + suffix))
        {
            var name = Path.GetFileName(path);
            var digits = name.AsSpan(prefix.Length, name.Length - prefix.Length - suffix.Length);
            if (name.EndsWith(suffix, StringComparison.Ordinal) && digits.Length == 16 &&
                long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
            {
                files[sequence] = path;
            }
        }
        return files;
    }
}
