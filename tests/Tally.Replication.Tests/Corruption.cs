namespace Tally.Replication.Tests;

/// <summary>Random damage to a message on the wire: bit flips, truncations, insertions, deletions, changed bytes and
/// duplicated slices. Every copy differs from the original.</summary>
static class Corruption
{
    public static readonly string[] Kinds = ["flip", "truncate", "insert", "delete", "change", "duplicate"];

    public static (string Kind, byte[] Bytes) Apply(byte[] original, Random r)
    {
        while (true)
        {
            var kind = Kinds[r.Next(Kinds.Length)];
            var bytes = kind switch
            {
                "flip" => Flip(original, r),
                "truncate" => original[..r.Next(original.Length)],
                "insert" => Insert(original, r.Next(original.Length + 1), RandomBytes(r, r.Next(1, 9))),
                "delete" => Delete(original, r),
                "change" => Change(original, r),
                _ => Duplicate(original, r),
            };
            if (!bytes.AsSpan().SequenceEqual(original))
            {
                return (kind, bytes);
            }
        }
    }

    static byte[] Flip(byte[] original, Random r)
    {
        var bytes = (byte[])original.Clone();
        foreach (var bit in Enumerable.Range(0, original.Length * 8).OrderBy(_ => r.Next()).Take(r.Next(1, 4)))
        {
            bytes[bit / 8] ^= (byte)(1 << (bit % 8));
        }
        return bytes;
    }

    static byte[] Change(byte[] original, Random r)
    {
        var bytes = (byte[])original.Clone();
        for (var i = r.Next(1, 5); i > 0; i--)
        {
            bytes[r.Next(bytes.Length)] = (byte)r.Next(256);
        }
        return bytes;
    }

    static byte[] Delete(byte[] original, Random r)
    {
        var at = r.Next(original.Length);
        var n = Math.Min(r.Next(1, 9), original.Length - at);
        return [.. original.AsSpan(0, at), .. original.AsSpan(at + n)];
    }

    static byte[] Duplicate(byte[] original, Random r)
    {
        var at = r.Next(original.Length);
        var n = Math.Min(r.Next(1, 17), original.Length - at);
        return Insert(original, r.Next(original.Length + 1), original[at..(at + n)]);
    }

    static byte[] Insert(byte[] original, int at, byte[] extra) => [.. original.AsSpan(0, at), .. extra, .. original.AsSpan(at)];

    static byte[] RandomBytes(Random r, int n)
    {
        var bytes = new byte[n];
        r.NextBytes(bytes);
        return bytes;
    }
}
