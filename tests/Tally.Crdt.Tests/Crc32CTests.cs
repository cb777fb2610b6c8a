using System.Text;
using Tally.Crdt.Serialization;

namespace Tally.Crdt.Tests;

public class Crc32CTests
{
    [Fact]
    public void Compute_MatchesTheCheckValue_OfCrc32C()
    {
        // The standard check value of CRC-32C (Castagnoli) for "123456789".
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
    }

    [Fact]
    public void Compute_OfTwoParts_EqualsComputeOfTheirConcatenation()
    {
        var bytes = Encoding.ASCII.GetBytes("a record of more than eight bytes, split anywhere");
        for (var split = 0; split <= bytes.Length; split++)
        {
            Assert.True(Crc32C.Compute(bytes) == Crc32C.Compute(bytes.AsSpan(0, split), bytes.AsSpan(split)), $"split at {split}");
        }
    }
}
