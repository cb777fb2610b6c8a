using System.Net;
using System.Net.Sockets;

namespace Tally.Launcher;

/// <summary>Free TCP ports on 127.0.0.1, found by binding: the one helper for <c>tally up</c>'s checks, the tests and
/// the benchmarks. A port found free may be taken by someone else before it is bound again; callers that cannot
/// retry should bind at once.</summary>
public static class FreePorts
{
    /// <summary>A port the OS hands out as free now (bound to port 0 and released).</summary>
    public static int Any()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

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

    /// <summary>The first of <paramref name="count"/> consecutive free ports, drawn at random between 20000 and 32000:
    /// below Linux's ephemeral range (32768+), so outgoing connections do not take them before the nodes bind them.</summary>
    /// <exception cref="InvalidOperationException">200 draws found no such range.</exception>
    public static int Range(int count)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var start = Random.Shared.Next(20_000, 32_000);
            if (Enumerable.Range(start, count).All(IsFree))
            {
                return start;
            }
        }
        throw new InvalidOperationException($"Found no {count} free consecutive ports on 127.0.0.1.");
    }
}
