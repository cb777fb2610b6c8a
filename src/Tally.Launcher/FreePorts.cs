using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Tally.Launcher;

/// <summary>Free TCP ports on 127.0.0.1, found by binding: the one helper for <c>tally up</c>'s checks, the tests and
/// the benchmarks. Ports are drawn outside the OS's ephemeral range (Linux: <c>/proc/sys/net/ipv4/ip_local_port_range</c>),
/// where the OS picks the local port of every outgoing connection: a port handed out from inside it could be taken by
/// such a connection before the node binds it. A port found free may still be taken by another process before it is
/// bound again; callers that cannot retry should bind at once.</summary>
public static class FreePorts
{
    const string LocalPortRangeFile = "/proc/sys/net/ipv4/ip_local_port_range";

    /// <summary>Lowest port ever drawn: below it are the well-known and registered services.</summary>
    const int Lowest = 1024;

    /// <summary>Ports drawn below the ephemeral range: the top 12,768 below it (20000-32767 with Linux's default).</summary>
    const int WindowSize = 12_768;

    /// <summary>A port free now on 127.0.0.1, outside the ephemeral range (<see cref="Candidates"/>).</summary>
    /// <exception cref="InvalidOperationException">200 draws found no free port.</exception>
    public static int Any() => Range(1);

    /// <summary>True when nothing listens on 127.0.0.1:<paramref name="port"/> now.</summary>
    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The first of <paramref name="count"/> consecutive ports free now, drawn at random from
    /// <see cref="Candidates"/>: all of them outside the ephemeral range, so outgoing connections do not take them
    /// before the nodes bind them.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is below 1 or does not fit the window.</exception>
    /// <exception cref="InvalidOperationException">200 draws found no such range.</exception>
    public static int Range(int count)
    {
        var (low, high) = Candidates();
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, high - low);
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var start = Random.Shared.Next(low, high - count + 1);
            if (Enumerable.Range(start, count).All(IsFree))
            {
                return start;
            }
        }
        throw new InvalidOperationException($"Found no {count} free consecutive ports on 127.0.0.1 in {low}-{high - 1}.");
    }

    /// <summary>The ports <see cref="Any"/> and <see cref="Range"/> draw from: [Low, High), outside
    /// <see cref="EphemeralRange"/>.</summary>
    public static (int Low, int High) Candidates() => CandidatesOutside(EphemeralRange());

    /// <summary>The OS's ephemeral port range, both ends included: read from Linux's
    /// <c>/proc/sys/net/ipv4/ip_local_port_range</c>; where that cannot be read, Linux's default (32768-60999), or the
    /// IANA range (49152-65535) that macOS and Windows use.</summary>
    public static (int First, int Last) EphemeralRange()
    {
        try
        {
            if (ParseRange(File.ReadAllText(LocalPortRangeFile)) is { } range)
            {
                return range;
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return OperatingSystem.IsLinux() ? (32_768, 60_999) : (49_152, 65_535);
    }

    /// <summary>The two numbers of <c>ip_local_port_range</c> ("32768\t60999"), or null when the text is not that.</summary>
    internal static (int First, int Last)? ParseRange(string text)
    {
        var parts = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var last)
            && first is >= 1 and <= 65_535 && last >= first && last <= 65_535
            ? (first, last)
            : null;
    }

    /// <summary>[Low, High) outside <paramref name="ephemeral"/>: the top <see cref="WindowSize"/> ports below it (not
    /// below 1024); when fewer than 1,000 are there, the larger of that and the ports above it.</summary>
    /// <exception cref="InvalidOperationException">The ephemeral range leaves no port outside it.</exception>
    internal static (int Low, int High) CandidatesOutside((int First, int Last) ephemeral)
    {
        (int Low, int High) below = (Math.Max(Lowest, ephemeral.First - WindowSize), Math.Max(Lowest, ephemeral.First));
        (int Low, int High) above = (Math.Max(Lowest, ephemeral.Last + 1), 65_536);
        var best = below.High - below.Low >= 1_000 || below.High - below.Low >= above.High - above.Low ? below : above;
        if (best.High <= best.Low)
        {
            throw new InvalidOperationException(
                $"The ephemeral port range {ephemeral.First}-{ephemeral.Last} leaves no port above {Lowest - 1} outside it.");
        }
        return best;
    }
}
