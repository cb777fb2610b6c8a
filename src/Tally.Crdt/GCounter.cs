namespace Tally.Crdt;

/// <summary>Grow-only counter (Shapiro, Preguiça, Baquero, Zawirski 2011, "A comprehensive study of CRDTs", §3.1.1).
/// One entry per replica; <see cref="Merge"/> takes the per-replica max, so it is commutative, associative and
/// idempotent; <see cref="Value"/> is the sum of the entries.</summary>
/// <remarks><para>Immutable: mutators return a new instance (or this one when nothing changes). Entries are kept sorted
/// by replica id and zero entries are never stored, so equal states have equal entry lists, equal hashes and equal
/// encodings.</para>
/// <para>Number domain (docs/architecture.md, "Numbers"): <see cref="Increment"/> and <see cref="RaiseTo"/> never take
/// an entry past <see cref="EntryMax"/> (they throw <see cref="CounterOverflowException"/>); <see cref="Merge"/> takes
/// any <see cref="ulong"/> entries and never throws, because <see cref="Value"/> is a <see cref="UInt128"/>, which
/// holds the sum of up to 2^64 entries of any size.</para></remarks>
public sealed class GCounter : IEquatable<GCounter>
{
    readonly ReplicaId[] _replicas;
    readonly ulong[] _values;

    /// <summary>The largest entry a view or a set_to can reach: 2^53-1 = 9,007,199,254,740,991, the largest integer
    /// a JavaScript number holds exactly, so every entry stays exact in JSON.</summary>
    public const ulong EntryMax = (1UL << 53) - 1;

    /// <summary>The largest total the seed's <c>set_to</c> may set: 10^15. It leaves every replica at least
    /// <see cref="EntryMax"/> - 10^15 (about 8 * 10^15) views of headroom, so a set_to can never stop a video from
    /// counting.</summary>
    public const ulong SetMax = 1_000_000_000_000_000;

    public static GCounter Empty { get; } = new([], [], 0);

    GCounter(ReplicaId[] replicas, ulong[] values, UInt128 value)
    {
        _replicas = replicas;
        _values = values;
        Value = value;
    }

    /// <summary>The network-wide count as this replica knows it: the sum of all entries. Never wraps: a
    /// <see cref="UInt128"/> holds the sum of any number of entries this process can store.</summary>
    public UInt128 Value { get; }

    public int Count => _replicas.Length;

    /// <summary>Entries sorted by replica id; every value is positive.</summary>
    public IEnumerable<KeyValuePair<ReplicaId, ulong>> Entries
    {
        get
        {
            for (var i = 0; i < _replicas.Length; i++)
            {
                yield return new(_replicas[i], _values[i]);
            }
        }
    }

    /// <summary>Builds a counter from entries in any order. Zero entries are dropped; a duplicate replica id is an
    /// error. Entries may be any <see cref="ulong"/> (they come from peers and files; see <see cref="Merge"/>).</summary>
    public static GCounter FromEntries(IEnumerable<KeyValuePair<ReplicaId, ulong>> entries)
    {
        var list = entries.Where(e => e.Value != 0).ToList();
        list.ForEach(e => RequireValid(e.Key));
        list.Sort((a, b) => a.Key.CompareTo(b.Key));
        var replicas = new ReplicaId[list.Count];
        var values = new ulong[list.Count];
        for (var i = 0; i < list.Count; i++)
        {
            if (i > 0 && list[i - 1].Key == list[i].Key)
            {
                throw new ArgumentException($"Replica '{list[i].Key}' appears twice.", nameof(entries));
            }
            replicas[i] = list[i].Key;
            values[i] = list[i].Value;
        }
        return replicas.Length == 0 ? Empty : new GCounter(replicas, values, Sum(values));
    }

    /// <summary>The entry of <paramref name="replica"/>: for a node's own id, the views that node received.</summary>
    public ulong EntryOf(ReplicaId replica)
    {
        var i = IndexOf(replica);
        return i >= 0 ? _values[i] : 0;
    }

    /// <summary>Adds <paramref name="amount"/> to the entry of <paramref name="replica"/>. 0 returns this.</summary>
    /// <exception cref="CounterOverflowException">The entry would pass <see cref="EntryMax"/>; nothing changes.</exception>
    public GCounter Increment(ReplicaId replica, ulong amount = 1)
    {
        RequireValid(replica);
        if (amount == 0)
        {
            return this;
        }
        var current = EntryOf(replica);
        if (!Fits(current, amount))
        {
            throw new CounterOverflowException($"Entry of replica '{replica}' would pass {EntryMax}: {current} + {amount}.");
        }
        return With(replica, current + amount);
    }

    /// <summary>True when <paramref name="entry"/> + <paramref name="amount"/> stays within <see cref="EntryMax"/>
    /// (computed without wrapping, for any two <see cref="ulong"/>s).</summary>
    public static bool Fits(ulong entry, ulong amount) => entry <= EntryMax && EntryMax - entry >= amount;

    /// <summary>Monotone assignment (the seed's <c>set_to</c>): raises the entry of <paramref name="replica"/> to
    /// <paramref name="value"/>. Equal returns this; lower throws <see cref="CounterRegressionException"/>.</summary>
    /// <exception cref="CounterOverflowException"><paramref name="value"/> is above the entry and above
    /// <see cref="EntryMax"/>; nothing changes.</exception>
    public GCounter RaiseTo(ReplicaId replica, ulong value)
    {
        RequireValid(replica);
        var current = EntryOf(replica);
        if (value < current)
        {
            throw new CounterRegressionException(replica, current, value);
        }
        if (value > current && value > EntryMax)
        {
            throw new CounterOverflowException($"Entry of replica '{replica}' cannot be raised to {value}: the largest entry is {EntryMax}.");
        }
        return value == current ? this : With(replica, value);
    }

    /// <summary>Per-replica max. Returns this (or <paramref name="other"/>) when one already contains the other.
    /// Total: defined for any two counters, it never throws.</summary>
    public GCounter Merge(GCounter other)
    {
        if (ReferenceEquals(this, other) || other._replicas.Length == 0)
        {
            return this;
        }
        if (_replicas.Length == 0)
        {
            return other;
        }
        var replicas = new ReplicaId[_replicas.Length + other._replicas.Length];
        var values = new ulong[replicas.Length];
        int i = 0, j = 0, n = 0;
        bool thisHasMore = false, otherHasMore = false;
        while (i < _replicas.Length || j < other._replicas.Length)
        {
            var cmp = i == _replicas.Length ? 1 : j == other._replicas.Length ? -1 : _replicas[i].CompareTo(other._replicas[j]);
            if (cmp < 0)
            {
                (replicas[n], values[n]) = (_replicas[i], _values[i]);
                thisHasMore = true;
                i++;
            }
            else if (cmp > 0)
            {
                (replicas[n], values[n]) = (other._replicas[j], other._values[j]);
                otherHasMore = true;
                j++;
            }
            else
            {
                var (a, b) = (_values[i], other._values[j]);
                thisHasMore |= a > b;
                otherHasMore |= b > a;
                (replicas[n], values[n]) = (_replicas[i], Math.Max(a, b));
                i++;
                j++;
            }
            n++;
        }
        if (!otherHasMore)
        {
            return this;
        }
        if (!thisHasMore)
        {
            return other;
        }
        Array.Resize(ref replicas, n);
        Array.Resize(ref values, n);
        return new GCounter(replicas, values, Sum(values));
    }

    public bool Equals(GCounter? other) =>
        other is not null && Value == other.Value && _values.AsSpan().SequenceEqual(other._values) &&
        _replicas.AsSpan().SequenceEqual(other._replicas);

    public override bool Equals(object? obj) => Equals(obj as GCounter);

    /// <summary>Hashes the entries themselves, so it agrees with <see cref="Equals(GCounter)"/>.</summary>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        for (var i = 0; i < _replicas.Length; i++)
        {
            hash.Add(_replicas[i]);
            hash.Add(_values[i]);
        }
        return hash.ToHashCode();
    }

    public override string ToString() =>
        $"GCounter({Value}: {string.Join(", ", Entries.Select(e => $"{e.Key}={e.Value}"))})";

    GCounter With(ReplicaId replica, ulong value)
    {
        var i = IndexOf(replica);
        ReplicaId[] replicas;
        ulong[] values;
        if (i >= 0)
        {
            replicas = _replicas;
            values = (ulong[])_values.Clone();
            values[i] = value;
        }
        else
        {
            var at = ~i;
            replicas = [.. _replicas.AsSpan(0, at), replica, .. _replicas.AsSpan(at)];
            values = [.. _values.AsSpan(0, at), value, .. _values.AsSpan(at)];
        }
        return new GCounter(replicas, values, Sum(values));
    }

    /// <summary>A default id has no value: stored, it would break ordering, encoding and JSON keys.</summary>
    static void RequireValid(ReplicaId replica)
    {
        if (replica.Value is null)
        {
            throw new ArgumentException("Use ReplicaId.Parse; the default replica id is not valid.", nameof(replica));
        }
    }

    int IndexOf(ReplicaId replica) => Array.BinarySearch(_replicas, replica);

    /// <summary>The sum of <paramref name="values"/>. Cannot wrap: overflowing a <see cref="UInt128"/> takes more
    /// than 2^64 entries, more than any array holds.</summary>
    internal static UInt128 Sum(ReadOnlySpan<ulong> values)
    {
        UInt128 sum = 0;
        foreach (var v in values)
        {
            sum += v;
        }
        return sum;
    }
}
