using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;

namespace Tally.Crdt.Serialization;

/// <summary>The compact, versioned binary encoding of counters and maps (states and deltas alike).</summary>
/// <remarks>
/// Layout, all integers unsigned LEB128 varints, strings a varint byte length then ASCII:
/// <code>
/// header  : 'T' 'L' version(=1) kind(1 = counter, 2 = map)
/// counter : n, n x (replicaId, value)                                  replicas ascending, values positive
/// map     : r, r x replicaId, v, v x (videoId, n, n x (column, value)) replicas and videos ascending
/// </code>
/// Encoding is deterministic: equal states give equal bytes. Decoding checks every rule and bounds every count by
/// the bytes left before allocating.
/// </remarks>
public static class CrdtBinary
{
    public const byte FormatVersion = 1;
    internal const byte KindCounter = 1;
    internal const byte KindMap = 2;
    internal static ReadOnlySpan<byte> Magic => "TL"u8;

    public static byte[] Encode(GCounter counter)
    {
        var writer = new ArrayBufferWriter<byte>(16 + counter.Count * 16);
        Encode(counter, writer);
        return writer.WrittenSpan.ToArray();
    }

    public static void Encode(GCounter counter, IBufferWriter<byte> output)
    {
        var w = new VarintWriter(output);
        w.Header(KindCounter);
        w.Varint((ulong)counter.Count);
        foreach (var (replica, value) in counter.Entries)
        {
            w.Ascii(replica.Value);
            w.Varint(value);
        }
    }

    public static byte[] Encode(CounterMap map)
    {
        var writer = new ArrayBufferWriter<byte>(64 + map.Count * 24);
        Encode(map, writer);
        return writer.WrittenSpan.ToArray();
    }

    public static void Encode(CounterMap map, IBufferWriter<byte> output)
    {
        var w = new VarintWriter(output);
        w.Header(KindMap);
        // Only replicas with a positive entry are written: a map also interns replicas it holds no entry for (from a
        // delta's header or an increment that overflowed), and equal states must give equal bytes.
        var width = map.Replicas.Count;
        var used = new bool[width];
        for (var slot = 0; slot < map.Count; slot++)
        {
            var row = map.Row(slot)[..width];
            for (var c = 0; c < width; c++)
            {
                used[c] |= row[c] != 0;
            }
        }
        var order = Enumerable.Range(0, width).Where(c => used[c]).Order(Comparer<int>.Create((a, b) => map.Replicas[a].CompareTo(map.Replicas[b]))).ToArray();
        var columnOf = new int[width];
        w.Varint((ulong)order.Length);
        for (var i = 0; i < order.Length; i++)
        {
            columnOf[order[i]] = i;
            w.Ascii(map.Replicas[order[i]].Value);
        }
        var slots = new int[map.Count];
        var keys = new string[map.Count];
        for (var s = 0; s < slots.Length; s++)
        {
            (slots[s], keys[s]) = (s, map.KeyAt(s));
        }
        Array.Sort(keys, slots, StringComparer.Ordinal);
        w.Varint((ulong)slots.Length);
        foreach (var slot in slots)
        {
            var row = map.Row(slot)[..width];
            w.Ascii(map.KeyAt(slot));
            var n = 0;
            foreach (var v in row)
            {
                n += v != 0 ? 1 : 0;
            }
            w.Varint((ulong)n);
            foreach (var column in order)
            {
                if (row[column] != 0)
                {
                    w.Varint((ulong)columnOf[column]);
                    w.Varint(row[column]);
                }
            }
        }
    }

    public static GCounter DecodeCounter(ReadOnlySpan<byte> input, DecodeLimits? limits = null)
    {
        limits ??= DecodeLimits.Default;
        var r = new VarintReader(input);
        r.Header(KindCounter);
        var n = r.Count(limits.MaxReplicas, minBytesEach: 3, "entries");
        var entries = new List<KeyValuePair<ReplicaId, ulong>>(n);
        var seen = new HashSet<string>(n, StringComparer.Ordinal);
        for (var i = 0; i < n; i++)
        {
            var replica = r.Replica();
            if (!seen.Add(replica.Value))
            {
                throw r.Error($"replica '{replica}' appears twice");
            }
            entries.Add(new(replica, r.PositiveValue()));
        }
        r.End();
        return GCounter.FromEntries(entries);
    }

    public static CounterMap DecodeMap(ReadOnlySpan<byte> input, DecodeLimits? limits = null)
    {
        limits ??= DecodeLimits.Default;
        var r = new VarintReader(input);
        r.Header(KindMap);
        var replicaCount = r.Count(limits.MaxReplicas, minBytesEach: 2, "replicas");
        var replicas = new ReplicaId[replicaCount];
        var seen = new HashSet<string>(replicaCount, StringComparer.Ordinal);
        for (var i = 0; i < replicaCount; i++)
        {
            replicas[i] = r.Replica();
            if (!seen.Add(replicas[i].Value))
            {
                throw r.Error($"replica '{replicas[i]}' appears twice");
            }
        }
        // Parse everything first, into memory proportional to the input; only then size the dense map, so a small
        // hostile input cannot make the decoder allocate rows of thousands of replicas for every video.
        var videoCount = r.Count(limits.MaxVideos, minBytesEach: 3, "videos");
        var videos = new VideoId[videoCount];
        var starts = new int[videoCount + 1];
        var columns = new List<int>(videoCount);
        var values = new List<ulong>(videoCount);
        // Encode writes ids in ascending order, so each id above the one before is new: a set of every id (about
        // 40 bytes and a hash per video, a third of a 10M-video load) is built only for input in another order.
        HashSet<string>? videoSeen = null;
        var used = new bool[replicaCount];
        var usedInVideo = new bool[replicaCount];
        for (var i = 0; i < videoCount; i++)
        {
            var video = videos[i] = r.Video();
            if (videoSeen is null && i > 0 && string.CompareOrdinal(videos[i - 1].Value, video.Value) >= 0)
            {
                videoSeen = new HashSet<string>(videoCount, StringComparer.Ordinal);
                for (var k = 0; k < i; k++)
                {
                    videoSeen.Add(videos[k].Value);
                }
            }
            if (videoSeen is not null && !videoSeen.Add(video.Value))
            {
                throw r.Error($"video '{video}' appears twice");
            }
            var n = r.Count(replicaCount, minBytesEach: 2, "entries");
            if (n == 0)
            {
                throw r.Error($"video '{video}' has no entries (a stored video has at least one)");
            }
            Array.Clear(usedInVideo);
            for (var e = 0; e < n; e++)
            {
                var column = r.Count(replicaCount - 1, minBytesEach: 0, "replica column");
                if (usedInVideo[column])
                {
                    throw r.Error($"video '{video}' has two entries for replica '{replicas[column]}'");
                }
                usedInVideo[column] = used[column] = true;
                columns.Add(column);
                values.Add(r.PositiveValue());
            }
            starts[i + 1] = columns.Count;
        }
        r.End();
        var usedReplicas = replicas.Where((_, c) => used[c]).ToArray();
        var cells = (long)videoCount * usedReplicas.Length;
        var cellsMax = (long)input.Length * limits.CellsPerByteMax + (1 << 20);
        if (cells > cellsMax)
        {
            throw r.Error($"{videoCount} videos x {usedReplicas.Length} replicas would need {cells} entries, over the " +
                $"limit of {cellsMax} for {input.Length} bytes of input");
        }
        var map = new CounterMap(videoCount);
        var usedColumns = map.AddReplicas(usedReplicas);
        var mapColumns = new int[replicaCount];
        for (int c = 0, k = 0; c < replicaCount; c++)
        {
            mapColumns[c] = used[c] ? usedColumns[k++] : -1; // an unused column has no entry to map
        }
        var entryColumns = CollectionsMarshal.AsSpan(columns);
        for (var e = 0; e < entryColumns.Length; e++)
        {
            entryColumns[e] = mapColumns[entryColumns[e]];
        }
        // Every video was checked distinct above (ascending, or through the set), and has positive entries.
        map.LoadDistinctRows(videos, starts, entryColumns, CollectionsMarshal.AsSpan(values));
        return map;
    }

    ref struct VarintWriter(IBufferWriter<byte> output)
    {
        public readonly void Header(byte kind)
        {
            var span = output.GetSpan(4);
            Magic.CopyTo(span);
            span[2] = FormatVersion;
            span[3] = kind;
            output.Advance(4);
        }

        public readonly void Varint(ulong value)
        {
            var span = output.GetSpan(10);
            var n = 0;
            while (value >= 0x80)
            {
                span[n++] = (byte)(value | 0x80);
                value >>= 7;
            }
            span[n++] = (byte)value;
            output.Advance(n);
        }

        public readonly void Ascii(string value)
        {
            Varint((ulong)value.Length);
            var span = output.GetSpan(value.Length);
            var written = Encoding.ASCII.GetBytes(value, span);
            output.Advance(written);
        }
    }
}
