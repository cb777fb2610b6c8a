using Microsoft.Win32.SafeHandles;

namespace Tally.Storage.Format;

/// <summary>Writes whole files so that after a crash the name holds either the old content or the new, never a
/// mix: write a temporary file, fsync it, rename it over the name, fsync the directory.</summary>
static class DurableFile
{
    public static void WriteAtomically(string directory, string name, IReadOnlyList<ReadOnlyMemory<byte>> parts)
    {
        var path = Path.Combine(directory, name);
        var temp = path + DataFiles.TempSuffix;
        try
        {
            using (var file = File.OpenHandle(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                RandomAccess.Write(file, parts, 0);
                RandomAccess.FlushToDisk(file);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            // A full disk must not stay full of our half-written temporary file.
            try
            {
                File.Delete(temp);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Load deletes it at the next start.
            }
            throw;
        }
        DirectorySync.Flush(directory);
    }

    /// <summary>Creates <paramref name="name"/> holding <paramref name="header"/>, durably (file and name), and returns
    /// it open for appending.</summary>
    public static SafeFileHandle Create(string directory, string name, byte[] header)
    {
        var file = File.OpenHandle(Path.Combine(directory, name), FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            RandomAccess.Write(file, header, 0);
            RandomAccess.FlushToDisk(file);
            DirectorySync.Flush(directory);
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }
}
