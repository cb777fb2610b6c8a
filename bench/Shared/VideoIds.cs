namespace Tally.Benchmarks.Shared;

/// <summary>Seeded YouTube-style video ids for the benchmarks: 11 characters of the base64url alphabet, the first a
/// letter or digit. One source file linked into every benchmark project, so all measure the same ids.</summary>
static class VideoIds
{
    const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /// <summary><paramref name="count"/> distinct ids in random order (as views arrive), the same for the same
    /// <paramref name="seed"/>.</summary>
    public static string[] Make(int count, int seed)
    {
        var random = new Random(seed);
        var seen = new HashSet<string>(count, StringComparer.Ordinal);
        var ids = new string[count];
        Span<char> chars = stackalloc char[11];
        for (var i = 0; i < count;)
        {
            chars[0] = Alphabet[random.Next(62)];
            for (var c = 1; c < chars.Length; c++)
            {
                chars[c] = Alphabet[random.Next(Alphabet.Length)];
            }
            var id = new string(chars);
            if (seen.Add(id))
            {
                ids[i++] = id;
            }
        }
        return ids;
    }
}
