using Tally.Crdt;

namespace Tally.Storage.Tests;

/// <summary>Opening stores and building deltas for the tests.</summary>
static class Stores
{
    public static readonly ReplicaId Self = ReplicaId.Parse("n1");

    public static FileStateStore Open(string directory, ListLogger<FileStateStore>? logger = null, Action<StorageOptions>? configure = null)
    {
        var options = new StorageOptions { DataDirectory = directory };
        configure?.Invoke(options);
        return new FileStateStore(options, logger ?? new ListLogger<FileStateStore>());
    }

    /// <summary>Opens a store, loads it and returns both.</summary>
    public static async Task<(FileStateStore Store, CounterMap? State)> LoadAsync(
        string directory, ListLogger<FileStateStore>? logger = null, Action<StorageOptions>? configure = null)
    {
        var store = Open(directory, logger, configure);
        var state = await store.LoadAsync(TestContext.Current.CancellationToken);
        return (store, state);
    }

    /// <summary>A delta holding own entry <paramref name="value"/> for video <paramref name="video"/>.</summary>
    public static CounterMap Delta(string video, ulong value, string replica = "n1") =>
        CounterMap.Single(VideoId.Parse(video), ReplicaId.Parse(replica), value);

    public static CounterMap Merged(params CounterMap[] deltas)
    {
        var map = new CounterMap();
        foreach (var delta in deltas)
        {
            map.Merge(delta);
        }
        return map;
    }

    public static string Segment(string directory, long sequence) =>
        Path.Combine(directory, $"log-{sequence:D16}.tlog");

    public static string Snapshot(string directory, long sequence) =>
        Path.Combine(directory, $"snapshot-{sequence:D16}.tsnap");

    public static string Describe(CounterMap? map) =>
        map is null ? "null" : string.Join(", ", map.Videos.OrderBy(v => v.Value, StringComparer.Ordinal).Select(v => $"{v}={map.Get(v)}"));
}
