using System.Net;
using System.Net.Sockets;

namespace Tally.Launcher.Tests;

/// <summary><see cref="FreePorts"/>: ports that bind, drawn outside the OS's ephemeral range (where an outgoing
/// connection could take them before the node binds), and the window computed from any ephemeral range.</summary>
public sealed class FreePortsTests
{
    static bool InEphemeralRange(int port)
    {
        var (first, last) = FreePorts.EphemeralRange();
        return port >= first && port <= last;
    }

    [Fact]
    public void Any_ReturnsABindablePort_OutsideTheEphemeralRange()
    {
        var (low, high) = FreePorts.Candidates();
        for (var i = 0; i < 50; i++)
        {
            var port = FreePorts.Any();
            Assert.False(InEphemeralRange(port), $"{port} is in the ephemeral range {FreePorts.EphemeralRange()}");
            Assert.InRange(port, low, high - 1);
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
        }
    }

    [Fact]
    public void Range_ReturnsConsecutiveBindablePorts_OutsideTheEphemeralRange()
    {
        var (low, high) = FreePorts.Candidates();
        var start = FreePorts.Range(6);
        var listeners = Enumerable.Range(start, 6).Select(p => new TcpListener(IPAddress.Loopback, p)).ToList();
        try
        {
            foreach (var listener in listeners)
            {
                listener.Start();
            }
            Assert.InRange(start, low, high - 6);
            Assert.DoesNotContain(Enumerable.Range(start, 6), InEphemeralRange);
        }
        finally
        {
            listeners.ForEach(l => l.Dispose());
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(70_000)]
    public void Range_Throws_ForACountThatDoesNotFit(int count) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => FreePorts.Range(count));

    [Fact]
    public void IsFree_ReturnsFalse_WhileThePortIsBound_AndTrueAfter()
    {
        var port = FreePorts.Any();
        using (var listener = new TcpListener(IPAddress.Loopback, port))
        {
            listener.Start();
            Assert.False(FreePorts.IsFree(port));
        }
        Assert.True(FreePorts.IsFree(port));
    }

    [Fact]
    public void EphemeralRange_IsTheKernelsRange_OnLinux()
    {
        var numbers = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal((int.Parse(numbers[0]), int.Parse(numbers[1])), FreePorts.EphemeralRange());
    }

    [Theory]
    [InlineData("32768\t60999\n", 32768, 60999)]
    [InlineData("  1024 65535 ", 1024, 65535)]
    [InlineData("40000 40000", 40000, 40000)]
    public void ParseRange_ReadsBothEnds(string text, int first, int last) =>
        Assert.Equal((first, last), FreePorts.ParseRange(text));

    [Theory]
    [InlineData("")]
    [InlineData("32768")]
    [InlineData("a b")]
    [InlineData("60999 32768")]
    [InlineData("0 100")]
    [InlineData("1024 70000")]
    [InlineData("-5 100")]
    [InlineData("1 2 3")]
    public void ParseRange_ReturnsNull_ForAnythingElse(string text) => Assert.Null(FreePorts.ParseRange(text));

    [Theory]
    [InlineData(32768, 60999, 20000, 32768)] // Linux's default: the top 12,768 ports below it
    [InlineData(49152, 65535, 36384, 49152)] // IANA's
    [InlineData(10000, 60999, 1024, 10000)] // never below 1024
    [InlineData(1024, 40000, 40001, 65536)] // nothing below: above it
    [InlineData(1500, 65535, 1024, 1500)] // little below, nothing above
    public void CandidatesOutside_IsAWindowOutsideTheEphemeralRange(int first, int last, int low, int high) =>
        Assert.Equal((low, high), FreePorts.CandidatesOutside((first, last)));

    [Fact]
    public void CandidatesOutside_Throws_WhenTheEphemeralRangeCoversEveryPort() =>
        Assert.Throws<InvalidOperationException>(() => FreePorts.CandidatesOutside((1024, 65535)));
}
