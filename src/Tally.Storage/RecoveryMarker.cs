using System.Text;
using Tally.Storage.Format;

namespace Tally.Storage;

/// <summary>The data directory's <c>RECOVERING</c> file: present from the moment a node with an empty disk starts
/// recovering its state from peers until the recovered state is durable. A start that finds it must recover again,
/// ignoring what the directory holds: a partial recovery cannot vouch for the node's own entry, and taking views on
/// top of it would count them again from a lower entry.</summary>
public static class RecoveryMarker
{
    public const string FileName = "RECOVERING";

    public static bool Exists(string dataDirectory) => File.Exists(Path.Combine(dataDirectory, FileName));

    /// <summary>Creates the marker durably (file and directory entry flushed) before it returns.</summary>
    public static void Set(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        DurableFile.WriteAtomically(dataDirectory, FileName, [Encoding.ASCII.GetBytes("recovering from peers\n")]);
    }

    /// <summary>Removes the marker durably. Call it only once the recovered state is durable.</summary>
    public static void Clear(string dataDirectory)
    {
        File.Delete(Path.Combine(dataDirectory, FileName));
        DirectorySync.Flush(dataDirectory);
    }
}
