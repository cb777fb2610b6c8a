using Tally.Maelstrom.StandIn;

namespace Tally.Maelstrom.Tests;

public sealed class CheckerTests
{
    static readonly string[] Nodes = ["n0", "n1"];

    static History Of(params Op[] ops)
    {
        var h = new History();
        foreach (var op in ops)
        {
            h.Add(op);
        }
        return h;
    }

    static Op Add(long delta, OpType type = OpType.Ok, double at = 1) => new(0, "n0", "add", delta, type, false, at, at + 0.01, null);

    static Op Read(string node, long value, bool final = true, double at = 10) => new(1, node, "read", value, OpType.Ok, final, at, at + 0.01, null);

    [Fact]
    public void AcceptableSums_AreTheDefiniteSumPlusEverySubsetOfTheIndeterminateAdds()
    {
        Assert.Equal([(10L, 10L)], Checker.AcceptableSums(10, []));
        Assert.Equal([(10L, 13L)], Checker.AcceptableSums(10, [1, 2]));
        Assert.Equal([(10L, 10L), (15L, 15L)], Checker.AcceptableSums(10, [5]));
        Assert.Equal([(0L, 0L), (3L, 3L), (5L, 5L), (8L, 8L)], Checker.AcceptableSums(0, [3, 5]));
    }

    [Fact]
    public void Check_Passes_WhenFinalReadsAddTheAcknowledgedAndSomeIndeterminateAdds()
    {
        var result = Checker.Check(Of(Add(3), Add(4), Add(2, OpType.Info), Read("n0", 9), Read("n1", 9)), Nodes);
        Assert.True(result.Valid, string.Join("; ", result.Errors));
        Assert.Equal(7, result.DefiniteSum);
    }

    [Fact]
    public void Check_Fails_WhenAFinalReadMissesAnAcknowledgedAdd()
    {
        var result = Checker.Check(Of(Add(3), Add(4), Read("n0", 7), Read("n1", 3)), Nodes);
        Assert.False(result.MaelstromValid);
        Assert.Contains(result.Errors, e => e.Contains("final read 3 on n1"));
    }

    [Fact]
    public void Check_Fails_WhenAFinalReadCountsMoreThanEveryAdd()
    {
        var result = Checker.Check(Of(Add(3), Add(1, OpType.Info), Read("n0", 4), Read("n1", 5)), Nodes);
        Assert.False(result.MaelstromValid);
    }

    [Fact]
    public void Check_Fails_WhenANodeGaveNoFinalRead_ThoughMaelstromWouldPassIt()
    {
        var result = Checker.Check(Of(Add(3), Read("n0", 3)), Nodes);
        Assert.True(result.MaelstromValid);
        Assert.False(result.Valid);
        Assert.Contains(result.Errors, e => e.Contains("n1 gave no final read"));
    }

    [Fact]
    public void Check_Fails_WhenAnEarlierReadExceedsTheAddsInvokedBeforeIt()
    {
        var result = Checker.Check(Of(Read("n0", 3, final: false, at: 0.5), Add(3, at: 1), Read("n0", 3), Read("n1", 3)), Nodes);
        Assert.True(result.MaelstromValid);
        Assert.False(result.Valid);
    }

    [Fact]
    public void Check_Fails_WhenANodesReadsGoDown()
    {
        var result = Checker.Check(Of(Add(3, at: 0), Add(2, at: 0), Read("n0", 5, final: false, at: 2), Read("n0", 3, final: false, at: 3),
            Read("n0", 5), Read("n1", 5)), Nodes);
        Assert.False(result.Valid);
        Assert.Contains(result.Errors, e => e.Contains("went down"));
    }
}
