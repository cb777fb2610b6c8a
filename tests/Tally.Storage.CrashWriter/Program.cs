using Microsoft.Extensions.Logging.Abstractions;
using Tally.Crdt;
using Tally.Storage;

// Usage: Tally.Storage.CrashWriter <data directory> <writers>
// Appends own entries (absolute values) for one video per writer, and after each append completes prints
// "ack <video> <value>": every printed record is acknowledged and must survive a SIGKILL. Every 100 acknowledgements
// it takes a snapshot of the applied state, as a node host would, so a kill can also land inside a snapshot.
if (args.Length != 2 || !int.TryParse(args[1], out var writers) || writers < 1)
{
    Console.Error.WriteLine("usage: Tally.Storage.CrashWriter <data directory> <writers>");
    return 2;
}
var replica = ReplicaId.Parse("crash");
await using var store = new FileStateStore(new StorageOptions { DataDirectory = args[0] }, NullLogger<FileStateStore>.Instance);
var applied = await store.LoadAsync(CancellationToken.None) ?? new CounterMap();
var gate = new Lock();
var acks = 0L;
Console.Out.Flush();
var output = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
output.WriteLine("ready");

async Task WriteAsync(int writer)
{
    var video = VideoId.Parse($"v{writer}");
    var value = applied.EntryOf(video, replica);
    while (true)
    {
        value++;
        var delta = CounterMap.Single(video, replica, value);
        await store.AppendAsync(delta, CancellationToken.None);
        CounterMap? snapshot = null;
        lock (gate)
        {
            applied.Merge(delta);
            output.WriteLine($"ack {video} {value}");
            if (++acks % 100 == 0)
            {
                snapshot = applied.Clone();
            }
        }
        if (snapshot is not null)
        {
            await store.SnapshotAsync(snapshot, CancellationToken.None);
        }
    }
}

await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(() => WriteAsync(w))));
return 0;
