namespace Tally.Storage.Tests;

/// <summary>A fresh directory under the system temp directory, deleted with everything in it on dispose.</summary>
sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tally-storage-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
