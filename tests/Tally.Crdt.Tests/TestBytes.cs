using System.Text;

namespace Tally.Crdt.Tests;

/// <summary>Hand-built binary encodings for decoder tests. Parts: an int, long or ulong is written as a LEB128 varint,
/// a string as its length and Latin-1 bytes, a byte or byte array as is.</summary>
static class TestBytes
{
    public static byte[] Map(params object[] parts) => Raw([Header(2), .. parts]);

    public static byte[] Counter(params object[] parts) => Raw([Header(1), .. parts]);

    static byte[] Header(byte kind) => [(byte)'T', (byte)'L', 1, kind];

    public static byte[] Raw(params object[] parts)
    {
        var bytes = new List<byte>();
        foreach (var part in parts)
        {
            switch (part)
            {
                case byte[] raw:
                    bytes.AddRange(raw);
                    break;
                case byte single:
                    bytes.Add(single);
                    break;
                case string text:
                    Varint(bytes, (ulong)text.Length);
                    bytes.AddRange(Encoding.Latin1.GetBytes(text));
                    break;
                case int or long or ulong:
                    Varint(bytes, Convert.ToUInt64(part));
                    break;
                default:
                    throw new ArgumentException($"Unsupported part {part}.", nameof(parts));
            }
        }
        return [.. bytes];
    }

    static void Varint(List<byte> bytes, ulong value)
    {
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }
        bytes.Add((byte)value);
    }
}
