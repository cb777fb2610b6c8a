using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Tally.Crdt;

/// <summary>A map from video id to G-Counter (Shapiro et al. 2011, §3.1.1, lifted pointwise to a map), with the
/// delta-state machinery of Almeida, Shoker and Baquero ("Delta State Replicated Data Types", 2018): every change
/// is stamped with a version, so "everything changed since mark M" is one walk over the changes, not over the map.</summary>
/// <remarks>
/// <para>Unlike <see cref="GCounter"/> this type is mutable and has one owner: immutable maps cost about 15x the time
/// and 4x the memory per video (docs/benchmarks.md). The owner mutates it in place and hands out copies
/// (<see cref="Clone"/>) or encodings as snapshots. It is not thread-safe.</para>
/// <para>Layout: replica ids are interned to column numbers; each video is a row of <c>stride</c> entries in one flat
/// <c>ulong[]</c>. Rows are never removed (a G-Counter never forgets), so slots are stable. A doubly linked list
/// orders the rows by their last change, newest at the tail.</para>
/// <para>Invariants: every stored row has at least one positive entry; <see cref="Increment"/> and
/// <see cref="RaiseTo"/> never take an entry past <see cref="GCounter.EntryMax"/>, while <see cref="Merge"/> takes
/// any <see cref="ulong"/> entry and never fails (row sums are <see cref="UInt128"/>); <see cref="Version"/> only
/// grows, and each row's stamp is the version of its last change.</para>
/// </remarks>
public sealed partial class CounterMap
{
    const int None = -1;

    readonly List<ReplicaId> _replicas = [];
    readonly Dictionary<string, int> _replicaColumns = new(StringComparer.Ordinal);
    int _stride;
    int _count;
    string[] _keys;
    ulong[] _entries;
    RowLink[] _links;
    int _head = None;
    int _tail = None;
    string? _lastReplica;
    int _lastColumn;

    public CounterMap(int capacity = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _index = NewIndex(capacity);
        _keys = new string[capacity];
        _entries = [];
        _links = new RowLink[capacity];
    }

    /// <summary>Number of videos with a positive count.</summary>
    public int Count => _count;

    /// <summary>Stamp of the latest change; 0 for a map that never changed. Use it as a mark for
    /// <see cref="TryGetDeltaSince(long, int, out CounterMap)"/>.</summary>
    public long Version { get; private set; }

    /// <summary>Every replica that has ever had an entry here, in the order they were first seen.</summary>
    public IReadOnlyList<ReplicaId> Replicas => _replicas;

    /// <summary>The video ids, in slot order (the order they first appeared here).</summary>
    public IEnumerable<VideoId> Videos
    {
        get
        {
            for (var slot = 0; slot < _count; slot++)
            {
                yield return VideoId.Trusted(_keys[slot]);
            }
        }
    }

    /// <summary>The video in <paramref name="slot"/> (0 to <see cref="Count"/> - 1). Slots follow the order in which
    /// videos first appeared and never change (rows are never removed), so slots from n on are exactly the videos
    /// added since the map held n: an index of the map can catch up by slot.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="slot"/> is not below <see cref="Count"/>.</exception>
    public VideoId VideoAt(int slot)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(slot);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(slot, _count);
        return VideoId.Trusted(_keys[slot]);
    }

    public bool Contains(VideoId video) => video.Value is not null && FindSlot(video.Value) != None;

    /// <summary>Adds <paramref name="amount"/> views to the entry of <paramref name="replica"/> for
    /// <paramref name="video"/> and returns the new entry. Allocation-free for a known video and replica.</summary>
    /// <exception cref="CounterOverflowException">The entry would pass <see cref="GCounter.EntryMax"/>; nothing
    /// changes.</exception>
    public ulong Increment(VideoId video, ReplicaId replica, ulong amount = 1)
    {
        RequireValid(video, replica);
        if (amount == 0)
        {
            return EntryOf(video, replica);
        }
        var column = ColumnOf(replica);
        var slot = SlotOf(video.Value);
        var row = Row(slot);
        if (!GCounter.Fits(row[column], amount))
        {
            ReleaseIfEmpty(slot);
            throw new CounterOverflowException(
                $"Video '{video}': adding {amount} to replica '{replica}' ({row[column]}) would pass {GCounter.EntryMax}.");
        }
        ref var entry = ref row[column];
        entry += amount;
        Touch(slot, column);
        return entry;
    }

    /// <summary>Monotone assignment (the seed's <c>set_to</c>): raises the entry to <paramref name="value"/> and
    /// returns it. Equal changes nothing.</summary>
    /// <exception cref="CounterRegressionException"><paramref name="value"/> is below the current entry.</exception>
    /// <exception cref="CounterOverflowException"><paramref name="value"/> is above the entry and above
    /// <see cref="GCounter.EntryMax"/>; nothing changes.</exception>
    public ulong RaiseTo(VideoId video, ReplicaId replica, ulong value)
    {
        RequireValid(video, replica);
        var current = EntryOf(video, replica);
        if (value < current)
        {
            throw new CounterRegressionException(replica, current, value);
        }
        return value == current ? current : Increment(video, replica, value - current);
    }

    /// <summary>Joins one entry: <paramref name="replica"/>'s entry for <paramref name="video"/> becomes the max of
    /// its current value and <paramref name="entry"/>, as <see cref="Merge"/> does for every entry of a map, and the
    /// entry is returned. Total like <see cref="Merge"/>: any <see cref="ulong"/> (decoders and storage build maps
    /// with it from what peers and files hold), never throws for valid ids.</summary>
    public ulong Join(VideoId video, ReplicaId replica, ulong entry)
    {
        RequireValid(video, replica);
        if (entry == 0)
        {
            return EntryOf(video, replica);
        }
        var column = ColumnOf(replica);
        var slot = SlotOf(video.Value);
        ref var mine = ref Row(slot)[column];
        if (entry > mine)
        {
            mine = entry;
            Touch(slot, column);
        }
        return mine;
    }

    /// <summary>The entry of <paramref name="replica"/> for <paramref name="video"/>: for a node's own id, its
    /// <c>total</c>.</summary>
    public ulong EntryOf(VideoId video, ReplicaId replica)
    {
        if (video.Value is null || replica.Value is null ||
            FindSlot(video.Value) is var slot && slot == None ||
            !_replicaColumns.TryGetValue(replica.Value, out var column))
        {
            return 0;
        }
        return _entries[slot * _stride + column];
    }

    /// <summary>The count of <paramref name="video"/>: the sum of all replicas' entries, as known here.</summary>
    public UInt128 ValueOf(VideoId video) =>
        video.Value is not null && FindSlot(video.Value) is var slot && slot != None ? RowSum(Row(slot)) : 0;

    /// <summary>A snapshot of one video's counter (empty for an unknown video).</summary>
    public GCounter Get(VideoId video) =>
        video.Value is not null && FindSlot(video.Value) is var slot && slot != None ? CounterAt(slot) : GCounter.Empty;

    /// <summary>A deep copy that shares nothing with this map; versions and change order are kept.</summary>
    public CounterMap Clone()
    {
        var copy = new CounterMap(_count);
        copy.AddReplicas(_replicas);
        var order = OrderByChange().ToArray();
        copy.CopyRowsFrom(this, order);
        // CopyRowsFrom stamps the rows 1..n; give them their original stamps so deltas since a mark match this map's.
        for (var slot = 0; slot < order.Length; slot++)
        {
            ref var link = ref copy._links[slot];
            var from = _links[order[slot]];
            (link.Stamp, link.LastColumn, link.PrevGap) = (from.Stamp, from.LastColumn, from.PrevGap); // same columns: AddReplicas above
        }
        copy.Version = Version;
        return copy;
    }

    /// <summary>Shrinks the backing arrays to the number of videos.</summary>
    public void TrimExcess()
    {
        Resize(_count);
        var size = NewIndex(_count).Length;
        if (size < _index.Length)
        {
            RebuildIndex(size);
        }
    }

    /// <summary>Grows the backing arrays once for <paramref name="videos"/> videos, so a bulk load does not double.</summary>
    public void EnsureCapacity(int videos)
    {
        if (videos > _keys.Length)
        {
            Resize(videos);
            var size = NewIndex(videos).Length;
            if (size > _index.Length)
            {
                RebuildIndex(size);
            }
        }
    }

    /// <summary>True when both maps hold the same positive entries for the same videos, whatever the slot, column
    /// and change order.</summary>
    public bool SameStateAs(CounterMap other)
    {
        if (_count != other._count)
        {
            return false;
        }
        for (var slot = 0; slot < _count; slot++)
        {
            var otherSlot = other.FindSlot(_keys[slot]);
            if (otherSlot == None || !CounterAt(slot).Equals(other.CounterAt(otherSlot)))
            {
                return false;
            }
        }
        return true;
    }

    public override string ToString() => $"CounterMap({_count} videos, {_replicas.Count} replicas, version {Version})";

    internal GCounter CounterAt(int slot)
    {
        var row = Row(slot);
        var entries = new List<KeyValuePair<ReplicaId, ulong>>(_replicas.Count);
        for (var column = 0; column < _replicas.Count; column++)
        {
            if (row[column] != 0)
            {
                entries.Add(new(_replicas[column], row[column]));
            }
        }
        return GCounter.FromEntries(entries);
    }

    internal string KeyAt(int slot) => _keys[slot];

    internal Span<ulong> Row(int slot) => _entries.AsSpan(slot * _stride, _stride);

    /// <summary>The sum of a row. Cannot wrap: a row has far fewer than 2^64 entries.</summary>
    internal static UInt128 RowSum(ReadOnlySpan<ulong> row)
    {
        UInt128 sum = 0;
        foreach (var v in row)
        {
            sum += v;
        }
        return sum;
    }

    static void RequireValid(VideoId video, ReplicaId replica)
    {
        if (video.Value is null || replica.Value is null)
        {
            throw new ArgumentException("Use VideoId.Parse and ReplicaId.Parse; default ids are not valid.");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    int ColumnOf(ReplicaId replica)
    {
        if (ReferenceEquals(replica.Value, _lastReplica))
        {
            return _lastColumn;
        }
        if (!_replicaColumns.TryGetValue(replica.Value, out var column))
        {
            column = AddReplicas([replica])[0];
        }
        _lastReplica = replica.Value;
        _lastColumn = column;
        return column;
    }

    /// <summary>Interns replicas, widening every row once if new columns are needed; returns their columns.</summary>
    internal int[] AddReplicas(IReadOnlyList<ReplicaId> replicas)
    {
        var columns = new int[replicas.Count];
        if (_replicas.Count == 0)
        {
            // A fresh map (a delta, a slice, a clone) takes all its replicas at once: size the index once.
            _replicaColumns.EnsureCapacity(replicas.Count);
            _replicas.Capacity = replicas.Count;
        }
        for (var i = 0; i < replicas.Count; i++)
        {
            ref var column = ref CollectionsMarshal.GetValueRefOrAddDefault(_replicaColumns, replicas[i].Value, out var exists);
            if (!exists)
            {
                column = _replicas.Count;
                _replicas.Add(replicas[i]);
            }
            columns[i] = column;
        }
        if (_replicas.Count > _stride)
        {
            Widen(_replicas.Count);
        }
        return columns;
    }

    void Widen(int stride)
    {
        var entries = new ulong[_keys.Length * stride];
        for (var slot = 0; slot < _count; slot++)
        {
            _entries.AsSpan(slot * _stride, _stride).CopyTo(entries.AsSpan(slot * stride));
        }
        _entries = entries;
        _stride = stride;
    }

    /// <summary>The slot of <paramref name="key"/>, allocating an empty row for a new video.</summary>
    int SlotOf(string key) => SlotOf(key, HashOf(key));

    /// <summary><see cref="SlotOf(string)"/> for a key whose hash is already known.</summary>
    int SlotOf(string key, int hash)
    {
        var found = Probe(key, hash);
        return found >= 0 ? found : AddSlot(key, hash, ~found);
    }

    /// <summary>Allocates an empty, unlinked row for <paramref name="key"/>, which is not in the map, at free index
    /// position <paramref name="position"/> of its probe run.</summary>
    int AddSlot(string key, int hash, int position)
    {
        if (_count == _keys.Length)
        {
            Resize(Math.Max(4, _keys.Length * 2));
        }
        var slot = _count;
        _keys[slot] = key;
        AddToIndex(slot, hash, position);
        _count++;
        _links[slot] = new RowLink(0, None, None, None, 0);
        return slot;
    }

    /// <summary>Undoes <see cref="SlotOf(string, int)"/> for a row that was just allocated and never written.</summary>
    void ReleaseIfEmpty(int slot)
    {
        if (slot == _count - 1 && _links[slot].Stamp == 0 && !Row(slot).ContainsAnyExcept(0UL))
        {
            RemoveFromIndex(slot);
            _keys[slot] = null!;
            _count--;
        }
    }

    void Resize(int capacity)
    {
        Array.Resize(ref _keys, capacity);
        Array.Resize(ref _links, capacity);
        Array.Resize(ref _entries, capacity * _stride);
    }

    /// <summary>Stamps <paramref name="slot"/> with a new version and moves it to the tail of the change list.
    /// <paramref name="column"/> is the only entry this change raised, or <see cref="None"/> for several.</summary>
    void Touch(int slot, int column)
    {
        ref var link = ref _links[slot];
        var previous = link.Stamp;
        link.Stamp = ++Version;
        // Rounding a gap too large for 32 bits down only makes the previous change look newer: a delta then carries
        // the whole row, which is always correct.
        link.PrevGap = (uint)Math.Min(link.Stamp - previous, uint.MaxValue);
        link.LastColumn = column;
        if (_tail == slot)
        {
            return;
        }
        var (prev, next) = (link.Prev, link.Next);
        if (prev != None)
        {
            _links[prev].Next = next;
        }
        else if (_head == slot)
        {
            _head = next;
        }
        if (next != None)
        {
            _links[next].Prev = prev;
        }
        link.Prev = _tail;
        link.Next = None;
        if (_tail != None)
        {
            _links[_tail].Next = slot;
        }
        _tail = slot;
        if (_head == None)
        {
            _head = slot;
        }
    }

    /// <summary>Slots from the oldest change to the newest.</summary>
    IEnumerable<int> OrderByChange()
    {
        for (var slot = _head; slot != None; slot = _links[slot].Next)
        {
            yield return slot;
        }
    }

    /// <summary>A row's place in the change list, kept together so that moving a row to the tail touches one cache
    /// line per row instead of three; and what its last change raised, so a delta can carry changed entries only.</summary>
    /// <remarks><c>LastColumn</c>: the only entry the last change raised (<see cref="None"/>: several);
    /// <c>PrevGap</c>: the last stamp less the one before it (0 for none; at most <see cref="uint.MaxValue"/>).</remarks>
    struct RowLink(long stamp, int prev, int next, int lastColumn, uint prevGap)
    {
        public long Stamp = stamp;
        public int Prev = prev;
        public int Next = next;
        public int LastColumn = lastColumn;
        public uint PrevGap = prevGap;
    }
}
