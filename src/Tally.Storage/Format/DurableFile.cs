using Microsoft.Win32.SafeHandles;
using Tally.Storage.Files;

namespace Tally.Storage.Format;

/// <summary>Writes whole files so that after a crash the name holds either the old content or the new, never a
/// mix: write a temporary file, fsync it, rename it over the name, fsync the directory.</summary>
static class DurableFile
{
    public static void WriteAtomically(string directory, string name, IReadOnlyList<ReadOnlyMemory<byte>> parts) =>
        WriteAtomically(OsFiles.Instance, directory, name, parts);

    public static void WriteAtomically(IStorageFiles files, string directory, string name, IReadOnlyList<ReadOnlyMemory<byte>> parts)
    {
        var path = Path.Combine(directory, name);
        var temp = path + DataFiles.TempSuffix;
        try
        {
            using (var file = files.Open(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                files.Write(file, parts, 0);
                files.FlushToDisk(file);
            }
            files.Move(temp, path, overwrite: true);
        }
        catch
        {
            // A full disk must not stay full of our half-written temporary file.
            try
            {
                files.Delete(temp);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Load deletes it at the next start.
            }
            throw;
        }
        files.FlushDirectory(directory);
    }

    /// <summary>Creates <paramref name="name"/> holding <paramref name="header"/>, durably (file and name), and returns
    /// it open for appending.</summary>
    public static SafeFileHandle Create(IStorageFiles files, string directory, string name, byte[] header)
    {
        var file = files.Open(Path.Combine(directory, name), FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            files.Write(file, header, 0);
            files.FlushToDisk(file);
            files.FlushDirectory(directory);
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }
}
