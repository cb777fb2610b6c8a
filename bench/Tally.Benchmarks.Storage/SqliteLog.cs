using Microsoft.Data.Sqlite;
using Tally.Crdt;
using Tally.Crdt.Serialization;

namespace Tally.Benchmarks.Storage;

/// <summary>The alternative design: SQLite in WAL mode with synchronous=FULL (each commit fsyncs the WAL; NORMAL
/// would not be durable on power loss). SQLite has one writer at a time, so appends take turns on one connection, one
/// INSERT (one transaction) each.</summary>
sealed class SqliteLog : ILogUnderTest
{
    readonly SemaphoreSlim _lock = new(1, 1);
    SqliteConnection? _connection;
    SqliteCommand? _insert;
    long _commits;

    public string Name => "SQLite WAL, synchronous=FULL";

    /// <summary>Commits; each fsyncs the WAL once.</summary>
    public long Fsyncs => Interlocked.Read(ref _commits);

    public ValueTask OpenAsync(string directory)
    {
        _connection = new SqliteConnection($"Data Source={Path.Combine(directory, "log.db")};Pooling=False");
        _connection.Open();
        using (var setup = _connection.CreateCommand())
        {
            setup.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE log (id INTEGER PRIMARY KEY, delta BLOB NOT NULL);";
            setup.ExecuteNonQuery();
        }
        _insert = _connection.CreateCommand();
        _insert.CommandText = "INSERT INTO log (delta) VALUES ($delta)";
        _insert.Parameters.Add("$delta", SqliteType.Blob);
        _insert.Prepare();
        return ValueTask.CompletedTask;
    }

    public async ValueTask AppendAsync(CounterMap delta)
    {
        var bytes = CrdtBinary.Encode(delta);
        await _lock.WaitAsync();
        try
        {
            await Task.Run(() =>
            {
                _insert!.Parameters[0].Value = bytes;
                _insert.ExecuteNonQuery();
            });
            Interlocked.Increment(ref _commits);
        }
        finally
        {
            _lock.Release();
        }
    }

    public ValueTask DisposeAsync()
    {
        _insert!.Dispose();
        _connection!.Dispose();
        SqliteConnection.ClearAllPools();
        _lock.Dispose();
        return ValueTask.CompletedTask;
    }
}
