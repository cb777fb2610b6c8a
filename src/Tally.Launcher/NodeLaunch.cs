using System.Diagnostics;
using System.Globalization;

namespace Tally.Launcher;

/// <summary>What to start: one <c>tally node</c> named <see cref="Id"/> listening on <see cref="Url"/> with its data in
/// <see cref="DataDirectory"/>. Secrets travel in the environment (<c>TALLY_CLUSTER_KEY</c>, ...), never on the
/// command line that <c>ps</c> shows.</summary>
public sealed record NodeLaunch(string Id, string Url, string DataDirectory)
{
    /// <summary>Peer URLs (<c>--peers</c>); none for a first node.</summary>
    public IReadOnlyList<string> Peers { get; init; } = [];

    /// <summary>Null leaves the node's default.</summary>
    public TimeSpan? GossipInterval { get; init; }

    /// <summary><c>--durability</c> (fsync, ...); null leaves the node's default.</summary>
    public string? Durability { get; init; }

    public string? ClusterKey { get; init; }
    public string? AdminToken { get; init; }
    public string? ClusterId { get; init; }

    /// <summary>More command-line arguments, e.g. <c>--tls-cert</c>, appended last.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>More environment, e.g. <c>TALLY_Replication__SuspectAfter</c>.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The process's working directory; null inherits this process's.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>The arguments after the executable: <c>node --id ... --listen ... --data ...</c>.</summary>
    public IReadOnlyList<string> CommandLine()
    {
        List<string> args = ["node", "--id", Id, "--listen", Url, "--data", DataDirectory];
        if (Peers.Count > 0)
        {
            args.AddRange(["--peers", string.Join(',', Peers)]);
        }
        if (GossipInterval is { } interval)
        {
            args.AddRange(["--gossip-interval", interval.TotalMilliseconds.ToString(CultureInfo.InvariantCulture) + "ms"]);
        }
        if (Durability is { } durability)
        {
            args.AddRange(["--durability", durability]);
        }
        args.AddRange(Arguments);
        return args;
    }

    /// <summary>How <paramref name="tally"/> starts this node: arguments, environment, redirected output.</summary>
    public ProcessStartInfo StartInfo(TallyLauncher tally)
    {
        var info = tally.StartInfo(CommandLine());
        if (WorkingDirectory is not null)
        {
            info.WorkingDirectory = WorkingDirectory;
        }
        foreach (var (name, value) in new[] { ("TALLY_CLUSTER_KEY", ClusterKey), ("TALLY_ADMIN_TOKEN", AdminToken), ("TALLY_CLUSTER_ID", ClusterId) })
        {
            if (value is not null)
            {
                info.Environment[name] = value;
            }
        }
        foreach (var (name, value) in Environment)
        {
            info.Environment[name] = value;
        }
        return info;
    }
}
