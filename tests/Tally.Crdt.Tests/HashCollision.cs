namespace Tally.Crdt.Tests;

/// <summary>Two valid video ids with the same <see cref="string.GetHashCode()"/> in this process (the hash is
/// randomized per process, so they are searched for: about 80,000 ids by the birthday bound).</summary>
static class HashCollision
{
    public static readonly (string, string) Pair = Find();

    static (string, string) Find()
    {
        var seen = new Dictionary<int, string>();
        for (var i = 0; ; i++)
        {
            var id = $"c{i:x}";
            if (seen.TryGetValue(id.GetHashCode(), out var other))
            {
                return (other, id);
            }
            seen.Add(id.GetHashCode(), id);
        }
    }
}
