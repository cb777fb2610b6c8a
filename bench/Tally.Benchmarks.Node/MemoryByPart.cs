using System.Diagnostics;
using System.Runtime;
using Microsoft.Extensions.Logging.Abstractions;
using Tally.Crdt.Serialization;
using Tally.Replication;
using Tally.Storage;

namespace Tally.Benchmarks.Node;

/// <summary>The <c>memory</c> mode: heap bytes per video of a node's replica, part by part, as the growth of
/// <see cref="GC.GetTotalMemory(bool)"/> (after a full, compacting collection) across adding each part: the CRDT map
/// as a node loads it (<see cref="CrdtBinary.DecodeMap"/>, 2 replicas, the id strings included), the gossip core
/// around it, the replica around that (its paging index and request keys), the anti-entropy digest; then what a
/// snapshot allocates on top, transiently (the copies and the encoding), and the process's resident set.</summary>
static class MemoryByPart
{
    const int Replicas = 2;

    public static void Run(int videos)
    {
        Console.WriteLine($"Heap bytes per video of one replica by part, {videos:N0} videos x {Replicas} replicas");
        Console.WriteLine($".NET {Environment.Version}, server GC: {GCSettings.IsServerGC}, concurrent: {GCSettings.LatencyMode}, {Environment.ProcessorCount} cores");
        var rss0 = Rss();
        var ids = Data.VideoIds(videos);
        var replicas = Data.Replicas(Replicas);
        var encoded = CrdtBinary.Encode(Data.Map(ids, replicas));
        ids = null;
        Console.WriteLine($"snapshot encoding: {encoded.Length / (double)videos:F1} B per video");
        Console.WriteLine();
        Console.WriteLine("| part | bytes | bytes per video | x map |");
        Console.WriteLine("|---|---:|---:|---:|");

        var heap = Heap();
        var map = CrdtBinary.DecodeMap(encoded);
        var mapBytes = Row("CRDT map (CounterMap, ids included), as loaded", ref heap, videos, 0);
        var node = new ReplicaNode(replicas[0], "http://127.0.0.1:1", 1, new ReplicationOptions(), TimeProvider.System,
            new Random(1), map, []);
        Row("+ gossip core (ReplicaNode)", ref heap, videos, mapBytes);
        var replica = new Replica(node, new ReplicaOptions(), TimeProvider.System);
        Row("+ replica (request keys, queues; its paging index is built by the first page)", ref heap, videos, mapBytes);
        _ = node.State.Digest();
        Row("+ anti-entropy digest (cached)", ref heap, videos, mapBytes);
        _ = replica.Page(null, 10);
        Row("+ paging index, built by the first page (GET /videos)", ref heap, videos, mapBytes);
        var avl = System.Collections.Immutable.ImmutableSortedSet.CreateBuilder<string>(StringComparer.Ordinal);
        avl.UnionWith(node.State.Videos.Select(v => v.Value));
        Row("for comparison, not kept: the paging index before issue 12 (an immutable sorted set's builder, an AVL tree)", ref heap, videos, mapBytes);
        GC.KeepAlive(avl);
        heap = Heap();
        var steady = heap;
        Snapshot(replica, videos, mapBytes);
        GC.KeepAlive(replica);
        var after = GC.GetTotalMemory(forceFullCollection: true);
        var info = GC.GetGCMemoryInfo();
        Console.WriteLine();
        Console.WriteLine($"heap after a snapshot and a full GC: {(after - steady) / (double)videos:F1} B per video more than before it; " +
            $"GC committed {info.TotalCommittedBytes / (double)videos:F1} B per video; resident set growth of this process " +
            $"{(Rss() - rss0) / (double)videos:F1} B per video (the benchmark's own encoding of the map included)");
        GC.KeepAlive(encoded);
    }

    /// <summary>What a snapshot allocates while it runs (all garbage afterwards, but the heap holds it at once).</summary>
    static void Snapshot(Replica replica, int videos, long mapBytes)
    {
        var directory = Directory.CreateTempSubdirectory("tally-memory-");
        try
        {
            var totalAllocated = GC.GetTotalAllocatedBytes(precise: true);
            replica.RequestSnapshot();
            var ready = replica.TakeReady();
            var copy = GC.GetTotalAllocatedBytes(precise: true) - totalAllocated;
            Console.WriteLine($"| snapshot: the replica's copy of the state (transient) | {copy:N0} | {copy / (double)videos:F1} | {copy / (double)mapBytes:F2} |");
            var store = new FileStateStore(new StorageOptions { DataDirectory = directory.FullName, Durability = Durability.None },
                NullLogger<FileStateStore>.Instance);
            store.LoadAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
            var before = GC.GetTotalAllocatedBytes(precise: true);
            store.SnapshotOwnedAsync(ready.Snapshot!.State, ready.Snapshot.Keys, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            var written = GC.GetTotalAllocatedBytes(precise: true) - before;
            Console.WriteLine($"| snapshot: the store's merge and encoding, the replica's copy kept (SnapshotOwnedAsync, as the node does; transient) | {written:N0} | {written / (double)videos:F1} | {written / (double)mapBytes:F2} |");
            store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    static long Heap() => GC.GetTotalMemory(forceFullCollection: true);

    static long Row(string part, ref long heap, int videos, long mapBytes)
    {
        var now = GC.GetTotalMemory(forceFullCollection: true);
        var bytes = now - heap;
        heap = now;
        Console.WriteLine($"| {part} | {bytes:N0} | {bytes / (double)videos:F1} | {(mapBytes == 0 ? 1.0 : bytes / (double)mapBytes):F2} |");
        return bytes;
    }

    static long Rss()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }
}
