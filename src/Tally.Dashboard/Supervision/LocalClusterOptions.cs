namespace Tally.Dashboard.Supervision;

/// <summary>How <c>tally up</c> lays out its nodes: ids <c>n1..nN</c>, ports from <see cref="BasePort"/> on
/// <see cref="Host"/>, data directories <c>DataRoot/nK</c>, logs in <c>DataRoot/logs</c>.</summary>
public sealed record LocalClusterOptions(
    string DataRoot,
    string Host,
    int BasePort,
    int NodeCount,
    ClusterSecrets Secrets,
    IReadOnlyList<string> ExtraNodeArguments,
    TimeSpan StopTimeout);
