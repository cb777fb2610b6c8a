using System.Buffers;
using Tally.Crdt;
using Tally.Replication;
using Tally.Storage.Format;

namespace Tally.Storage.Tests;

/// <summary>The keyed record payload (docs/storage.md): the largest keys round-trip exactly, and each field that
/// breaks the format is refused by its own rule.</summary>
public class KeyedPayloadTests
{
    static byte[] Header(byte version = KeyedPayload.Version) => [(byte)'T', (byte)'K', version];

    static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }
        bytes.Add((byte)value);
        return [.. bytes];
    }

    /// <summary>One key written field by field: length, ASCII, fingerprint, accepted time, totals.</summary>
    static byte[] Key(ulong length, byte[] text, byte[] accepted, byte[] totalsCount, params byte[][] totals) =>
        [.. Varint(length), .. text, .. new byte[16], .. accepted, .. totalsCount, .. totals.SelectMany(t => t)];

    static void Refused(byte[] payload, string rule)
    {
        var e = Assert.Throws<CrdtFormatException>(() => KeyedPayload.Read(payload.AsMemory()));
        Assert.Contains(rule, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_GivesBackTheLargestKeys_WrittenWithAnExactlySizedBuffer()
    {
        var totals = Enumerable.Repeat(ulong.MaxValue, 200).Append(0UL).Append(0x80UL).Append(0x7FUL).ToArray();
        IdempotencyRecord[] keys =
        [
            new(new string('~', IdempotencyRecord.KeyLengthMax), UInt128.MaxValue, long.MaxValue, totals),
            new("!", 0, 0, []),
            new("k", 1, 0x80, [0x4000]),
        ];
        var output = new ArrayBufferWriter<byte>(1);
        KeyedPayload.WriteKeys(keys, output);

        var (read, map) = KeyedPayload.Read(output.WrittenMemory);

        Assert.Equal(keys.Length, read.Count);
        for (var i = 0; i < keys.Length; i++)
        {
            Assert.Equal((keys[i].Key, keys[i].Fingerprint, keys[i].AcceptedUnixMs), (read[i].Key, read[i].Fingerprint, read[i].AcceptedUnixMs));
            Assert.Equal(keys[i].Totals, read[i].Totals);
        }
        Assert.True(map.IsEmpty, "nothing follows the keys but the map");
    }

    [Fact]
    public void Read_GivesBackManyTightKeys_WrittenWithAnExactlySizedBuffer()
    {
        // Keys whose fields take nearly the room the writer reserves for them (a 9-byte time, 10-byte totals): the
        // reservation must hold them all, with no slack from other keys.
        IdempotencyRecord[] keys = [.. Enumerable.Range(0, 40).Select(i =>
            new IdempotencyRecord($"k{i:D2}", (UInt128)i, long.MaxValue, [ulong.MaxValue, ulong.MaxValue, ulong.MaxValue]))];
        var output = new ArrayBufferWriter<byte>(1);
        KeyedPayload.WriteKeys(keys, output);

        var (read, map) = KeyedPayload.Read(output.WrittenMemory);

        Assert.Equal(keys.Select(k => (k.Key, k.Fingerprint, k.AcceptedUnixMs)), read.Select(k => (k.Key, k.Fingerprint, k.AcceptedUnixMs)));
        Assert.All(read, k => Assert.Equal([ulong.MaxValue, ulong.MaxValue, ulong.MaxValue], k.Totals));
        Assert.True(map.IsEmpty);
    }

    [Fact]
    public void Read_GivesBackNoKeys_WrittenForAnEmptyList()
    {
        var output = new ArrayBufferWriter<byte>(1);
        KeyedPayload.WriteKeys([], output);
        var (read, map) = KeyedPayload.Read(output.WrittenMemory);
        Assert.Empty(read);
        Assert.True(map.IsEmpty);
    }

    [Fact]
    public void WriteKeys_Throws_ForAnInvalidKeyOrANegativeTime()
    {
        var output = new ArrayBufferWriter<byte>();
        Assert.Throws<ArgumentException>(() => KeyedPayload.WriteKeys([new("with space", 1, 1, [])], output));
        Assert.Throws<ArgumentException>(() => KeyedPayload.WriteKeys([new("k", 1, -1, [])], output));
    }

    [Fact]
    public void Read_RefusesAPayload_WithoutTheHeader()
    {
        Refused([(byte)'T', (byte)'L', 1], "'TK' header");
        Refused([(byte)'T', (byte)'K'], "'TK' header");
        Assert.True(KeyedPayload.IsKeyed(Header()));
    }

    [Fact]
    public void Read_RefusesAPayload_OfAnotherVersion() => Refused([.. Header(2), 0], "unknown version 2");

    [Fact]
    public void Read_RefusesAKeyCount_ThatCannotFitTheBytesLeft()
    {
        // One key takes at least 19 bytes: 18 cannot hold one, 19 pass the count check (and fail later, elsewhere).
        Refused([.. Header(), .. Varint(1), .. new byte[18]], "1 keys cannot fit in 18 bytes");
        Refused([.. Header(), .. Varint(1), .. new byte[19]], "has length 0");
        Refused([.. Header(), .. Varint(2), .. new byte[37]], "2 keys cannot fit in 37 bytes");
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(256UL)]
    public void Read_RefusesAKeyLength_OutsideOneTo255(ulong length) =>
        Refused([.. Header(), .. Varint(1), .. Key(length, [.. Enumerable.Repeat((byte)'k', 256)], Varint(1), Varint(0))], $"key 0 has length {length}");

    [Fact]
    public void Read_RefusesAKey_LongerThanTheBytesLeft()
    {
        // 3 characters claimed, then 2 and a fingerprint: the key and its fingerprint need 19 bytes, 18 are there.
        byte[] payload = [.. Header(), .. Varint(1), .. Varint(3), (byte)'a', (byte)'b', .. new byte[16]];
        Refused(payload, "key 0 has length 3");
        Refused([.. Header(), .. Varint(1), .. Varint(3), (byte)'a', (byte)'b', (byte)'c', .. new byte[16]], "truncated varint");
    }

    [Fact]
    public void Read_RefusesAKey_WithCharactersOutsideVisibleAscii() =>
        Refused([.. Header(), .. Varint(1), .. Key(2, [(byte)'a', (byte)' '], Varint(1), Varint(0))], "outside visible ASCII");

    [Fact]
    public void Read_RefusesATime_AboveLongMaxValue()
    {
        Refused([.. Header(), .. Varint(1), .. Key(1, [(byte)'k'], Varint(1UL << 63), Varint(0))], "has time 9223372036854775808");
        Refused([.. Header(), .. Varint(1), .. Key(1, [(byte)'k'], Varint(ulong.MaxValue), Varint(0))], "has time 18446744073709551615");
    }

    [Fact]
    public void Read_RefusesATotalsCount_AboveTheBytesLeft()
    {
        Refused([.. Header(), .. Varint(1), .. Key(1, [(byte)'k'], Varint(1), Varint(3), [1], [2])], "key 0 has 3 totals in 2 bytes");
        byte[] fits = [.. Header(), .. Varint(1), .. Key(1, [(byte)'k'], Varint(1), Varint(2), [1], [2])];
        var (keys, _) = KeyedPayload.Read(fits);
        Assert.Equal([1UL, 2UL], keys[0].Totals);
    }

    [Fact]
    public void Read_RefusesAVarint_ThatOverflows64Bits()
    {
        byte[] overflowing = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02];
        Refused([.. Header(), .. overflowing], "overflows 64 bits");
        Refused([.. Header(), 0xFF, 0xFF], "truncated varint");
    }
}
