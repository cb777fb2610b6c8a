namespace Tally.Crdt.Tests;

/// <summary>A trivially correct G-Counter map: video id to (replica id to entry), joined by per-entry max. The
/// reference that the adversarial merge tests compare <see cref="CounterMap"/> against.</summary>
sealed class ReferenceModel
{
    readonly Dictionary<string, Dictionary<string, ulong>> _rows = new(StringComparer.Ordinal);

    public int Count => _rows.Count;

    public ReferenceModel Copy()
    {
        var copy = new ReferenceModel();
        foreach (var (video, row) in _rows)
        {
            copy._rows[video] = new Dictionary<string, ulong>(row, StringComparer.Ordinal);
        }
        return copy;
    }

    /// <summary>Raises one entry to at least <paramref name="entry"/>. Returns true if it rose.</summary>
    public bool Join(string video, string replica, ulong entry)
    {
        if (entry == 0)
        {
            return false;
        }
        if (!_rows.TryGetValue(video, out var row))
        {
            _rows[video] = row = new Dictionary<string, ulong>(StringComparer.Ordinal);
        }
        if (row.TryGetValue(replica, out var mine) && mine >= entry)
        {
            return false;
        }
        row[replica] = entry;
        return true;
    }

    /// <summary>Joins every entry of <paramref name="map"/>. Returns the number of videos with an entry that rose.</summary>
    public int Join(CounterMap map)
    {
        var changed = 0;
        foreach (var video in map.Videos)
        {
            var rose = false;
            foreach (var replica in map.Replicas)
            {
                rose |= Join(video.Value, replica.Value, map.EntryOf(video, replica));
            }
            changed += rose ? 1 : 0;
        }
        return changed;
    }

    /// <summary>Videos whose entries differ from <paramref name="earlier"/> (a copy taken before).</summary>
    public HashSet<string> ChangedSince(ReferenceModel earlier) =>
        [.. _rows.Where(r => !earlier._rows.TryGetValue(r.Key, out var then) || !SameRow(r.Value, then)).Select(r => r.Key)];

    static bool SameRow(Dictionary<string, ulong> a, Dictionary<string, ulong> b) =>
        a.Count == b.Count && a.All(e => b.TryGetValue(e.Key, out var v) && v == e.Value);

    /// <summary>Fails unless <paramref name="map"/> holds exactly this state.</summary>
    public void AssertSame(CounterMap map, string context)
    {
        Assert.True(map.Count == _rows.Count, $"{context}: {map.Count} videos, the model has {_rows.Count}");
        AssertSame(Of(map), context);
    }

    /// <summary>Fails unless <paramref name="other"/> holds exactly this state.</summary>
    public void AssertSame(ReferenceModel other, string context)
    {
        var differ = ChangedSince(other);
        differ.UnionWith(other.ChangedSince(this));
        Assert.True(differ.Count == 0, $"{context}: {differ.Count} videos differ from the model, e.g. '{differ.FirstOrDefault()}'");
    }

    /// <summary>The state of <paramref name="map"/> as a model.</summary>
    public static ReferenceModel Of(CounterMap map)
    {
        var model = new ReferenceModel();
        var replicas = map.Replicas.ToArray();
        foreach (var video in map.Videos)
        {
            foreach (var replica in replicas)
            {
                model.Join(video.Value, replica.Value, map.EntryOf(video, replica));
            }
        }
        return model;
    }
}
