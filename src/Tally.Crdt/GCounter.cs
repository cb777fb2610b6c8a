namespace Tally.Crdt;

/// <summary>Grow-only counter (Shapiro, Preguiça, Baquero, Zawirski 2011, "A comprehensive study of CRDTs", §3.1.1).
/// One entry per replica; <see cref="Merge"/> takes the per-replica max, so it is commutative, associative and
/// idempotent; <see cref="Value"/> is the sum of the entries.</summary>
/// <remarks>Immutable: mutators return a new instance (or this one when nothing changes). Entries are kept sorted
/// by replica id and zero entries are never stored, so equal states have equal entry lists, equal hashes and equal
/// encodings. Arithmetic is checked: an entry or the sum passing <see cref="ulong.MaxValue"/> throws
/// <see cref="CounterOverflowException"/>.</remarks>
public sealed class GCounter : IEquatable<GCounter>
{
    readonly ReplicaId[] _replicas;
    readonly ulong[] _values;

    public static GCounter Empty { get; } = new([], [], 0);

    GCounter(ReplicaId[] replicas, ulong[] values, ulong value)
    {
        _replicas = replicas;
        _values = values;
        Value = value;
    }

    /// <summary>The network-wide count as this replica knows it: the sum of all entries.</summary>
    public ulong Value { get; }

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
    /// error, as is a sum that overflows.</summary>
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
    public GCounter Increment(ReplicaId replica, ulong amount = 1)
    {
        RequireValid(replica);
        if (amount == 0)
        {
            return this;
        }
        var current = EntryOf(replica);
        if (ulong.MaxValue - current < amount)
        {
            throw new CounterOverflowException($"Entry of replica '{replica}' would overflow: {current} + {amount}.");
        }
        return With(replica, current + amount);
    }

    /// <summary>Monotone assignment (the seed's <c>set_to</c>): raises the entry of <paramref name="replica"/> to
    /// <paramref name="value"/>. Equal returns this; lower throws <see cref="CounterRegressionException"/>.</summary>
    public GCounter RaiseTo(ReplicaId replica, ulong value)
    {
        RequireValid(replica);
        var current = EntryOf(replica);
        if (value < current)
        {
            throw new CounterRegressionException(replica, current, value);
        }
        return value == current ? this : With(replica, value);
    }

    /// <summary>Per-replica max. Returns this (or <paramref name="other"/>) when one already contains the other.</summary>
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

    internal static ulong Sum(ReadOnlySpan<ulong> values)
    {
        ulong sum = 0;
        foreach (var v in values)
        {
            if (ulong.MaxValue - sum < v)
            {
                throw new CounterOverflowException("The sum of the entries would pass 2^64-1.");
            }
            sum += v;
        }
        return sum;
    }
}
