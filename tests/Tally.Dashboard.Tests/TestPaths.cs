using System.Net;
using System.Net.Sockets;

namespace Tally.Dashboard.Tests;

static class TestPaths
{
    /// <summary>The repository root (the directory with Tally.slnx) above the test binaries.</summary>
    public static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Tally.slnx")))
                {
                    return dir.FullName;
                }
            }
            throw new InvalidOperationException($"No Tally.slnx above {AppContext.BaseDirectory}.");
        }
    }

    /// <summary>Screenshots and other artefacts of the browser tests: artifacts/dashboard-tests under the repository.</summary>
    public static string Artifacts
    {
        get
        {
            var dir = Path.Combine(RepoRoot, "artifacts", "dashboard-tests");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A base port with <paramref name="count"/> free consecutive ports on 127.0.0.1.</summary>
    public static int FreePortRange(int count)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            // Below Linux's ephemeral range (32768+), so outgoing connections do not take the ports before the nodes bind them.
            var start = Random.Shared.Next(20_000, 32_000);
            if (Enumerable.Range(start, count).All(IsFree))
            {
                return start;
            }
        }
        throw new InvalidOperationException($"Found no {count} free consecutive ports on 127.0.0.1.");
    }

    static bool IsFree(int port)
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

    public static string TempDirectory(string prefix)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }
}
