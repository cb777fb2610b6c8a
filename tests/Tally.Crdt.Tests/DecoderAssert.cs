namespace Tally.Crdt.Tests;

static class DecoderAssert
{
    /// <summary>Asserts that <paramref name="decode"/> throws <see cref="CrdtFormatException"/> and allocates less
    /// than a megabyte doing so.</summary>
    public static void Rejected(Action decode, string why)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var thrown = Record.Exception(decode);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(thrown is CrdtFormatException,
            $"{why}: the decoder must throw CrdtFormatException, but {(thrown is null ? "accepted it" : $"threw {thrown}")}");
        Assert.True(allocated < 1 << 20, $"{why}: the decoder must not allocate for what the input cannot hold, but allocated {allocated} bytes");
    }
}
