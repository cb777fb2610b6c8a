using CsCheck;
using Tally.Crdt.Serialization;

namespace Tally.Crdt.Tests;

/// <summary>Random mutations of valid encodings either decode to a valid state or throw
/// <see cref="CrdtFormatException"/>: never another exception.</summary>
public class DecoderFuzzTests
{
    /// <summary>One edit: flip a bit, set, insert or delete a byte, truncate, or repeat a slice.</summary>
    public sealed record Mutation(int Kind, int Position, int Value);

    static readonly Gen<Mutation[]> Mutations = Gen.Select(Gen.Int[0, 5], Gen.Int[0, 1 << 16], Gen.Int[0, 255],
        (kind, position, value) => new Mutation(kind, position, value)).Array[1, 4];

    /// <summary>Characters that matter to JSON and to the id rules, so mutations reach deep into the parser.</summary>
    const string JsonChars = "{}[]\":,-.0123456789eE+nultrfasv \\~/x";

    static List<T> Mutate<T>(IEnumerable<T> input, Mutation[] mutations, Func<int, T> valueOf)
    {
        var items = input.ToList();
        foreach (var (kind, position, value) in mutations)
        {
            var at = items.Count == 0 ? 0 : position % items.Count;
            switch (kind)
            {
                case 0 when items.Count > 0: items[at] = valueOf(value); break;
                case 1: items.Insert(at, valueOf(value)); break;
                case 2 when items.Count > 0: items.RemoveAt(at); break;
                case 3: items.RemoveRange(at, items.Count - at); break;
                case 4: items.InsertRange(at, items.Skip(at).Take(1 + value % 8).ToList()); break;
                case 5 when items.Count > 0 && items[at] is byte b: items[at] = valueOf(b ^ (1 << (value % 8))); break;
            }
        }
        return items;
    }

    static void AssertValid(CounterMap map)
    {
        Assert.True(map.Videos.All(v => map.ValueOf(v) > 0), "a decoded map must hold only videos with a positive count");
        Assert.True(CrdtBinary.DecodeMap(CrdtBinary.Encode(map)).SameStateAs(map), "a decoded map must round-trip");
        Assert.True(CrdtJson.DecodeMap(CrdtJson.Encode(map)).SameStateAs(map), "a decoded map must round-trip through JSON");
    }

    static void AssertDecodesOrRejects(Action decode, string what)
    {
        var thrown = Record.Exception(decode);
        Assert.True(thrown is null or CrdtFormatException,
            $"a mutated {what} must decode or throw CrdtFormatException, but threw {thrown}");
    }

    [Fact]
    public void DecodeMap_DecodesOrThrowsFormatException_ForMutatedBinary() =>
        Gen.Select(Generators.Map, Mutations).Sample((map, mutations) =>
        {
            var input = Mutate(CrdtBinary.Encode(map), mutations, v => (byte)v).ToArray();
            AssertDecodesOrRejects(() => AssertValid(CrdtBinary.DecodeMap(input)), "binary map");
        }, iter: 1000, print: t => $"{Generators.Show(t.Item1)} mutated by {string.Join(", ", t.Item2.AsEnumerable())}");

    [Fact]
    public void DecodeCounter_DecodesOrThrowsFormatException_ForMutatedBinary() =>
        Gen.Select(Generators.Counter, Mutations).Sample((counter, mutations) =>
        {
            var input = Mutate(CrdtBinary.Encode(counter), mutations, v => (byte)v).ToArray();
            AssertDecodesOrRejects(() =>
            {
                var decoded = CrdtBinary.DecodeCounter(input);
                Assert.True(CrdtBinary.DecodeCounter(CrdtBinary.Encode(decoded)).Equals(decoded), "a decoded counter must round-trip");
            }, "binary counter");
        }, iter: 1000, print: t => $"{t.Item1} mutated by {string.Join(", ", t.Item2.AsEnumerable())}");

    [Fact]
    public void DecodeMap_DecodesOrThrowsFormatException_ForMutatedJson() =>
        Gen.Select(Generators.Map, Mutations).Sample((map, mutations) =>
        {
            var input = string.Concat(Mutate(CrdtJson.Encode(map), mutations, v => JsonChars[v % JsonChars.Length]));
            AssertDecodesOrRejects(() => AssertValid(CrdtJson.DecodeMap(input)), "JSON map");
        }, iter: 1000, print: t => $"{Generators.Show(t.Item1)} mutated by {string.Join(", ", t.Item2.AsEnumerable())}");

    [Fact]
    public void DecodeCounter_DecodesOrThrowsFormatException_ForMutatedJson() =>
        Gen.Select(Generators.Counter, Mutations).Sample((counter, mutations) =>
        {
            var input = string.Concat(Mutate(CrdtJson.Encode(counter), mutations, v => JsonChars[v % JsonChars.Length]));
            AssertDecodesOrRejects(() =>
            {
                var decoded = CrdtJson.DecodeCounter(input);
                Assert.True(CrdtJson.DecodeCounter(CrdtJson.Encode(decoded)).Equals(decoded), "a decoded counter must round-trip");
            }, "JSON counter");
        }, iter: 1000, print: t => $"{t.Item1} mutated by {string.Join(", ", t.Item2.AsEnumerable())}");
}
