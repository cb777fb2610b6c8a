namespace Tally.Storage;

/// <summary>The data directory is held by another open store (another process, or another store in this one).</summary>
public sealed class DataDirectoryLockedException(string message, Exception inner) : IOException(message, inner);
