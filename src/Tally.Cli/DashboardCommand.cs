using System.CommandLine;
using Tally.Dashboard;
using Tally.Dashboard.State;

namespace Tally.Cli;

/// <summary><c>tally dashboard --nodes URL,...</c>: the dashboard over a cluster started elsewhere (docker compose,
/// other machines). Only the controls that go through the nodes' HTTP API apply: remove, partition and heal.</summary>
static class DashboardCommand
{
    public static Command Create()
    {
        var nodes = new Option<string>("--nodes")
        {
            Description = "Comma-separated node URLs to start from, e.g. http://node1:8001,http://node2:8001; members they report are added.",
            Required = true,
        };
        nodes.Validators.Add(r =>
        {
            var bad = Split(r.GetValueOrDefault<string>() ?? "").Where(u => NodeRegistry.Normalize(u) is null).ToList();
            if (bad.Count > 0)
            {
                r.AddError($"--nodes: not an absolute http(s) URL: {string.Join(", ", bad)}");
            }
            else if (Split(r.GetValueOrDefault<string>() ?? "").Count == 0)
            {
                r.AddError("--nodes: give at least one node URL.");
            }
        });
        var adminToken = new Option<string?>("--admin-token")
        {
            Description = "Admin token of the nodes (for remove, partition, heal). Default: $TALLY_ADMIN_TOKEN.",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("TALLY_ADMIN_TOKEN"),
        };
        var tlsCa = new Option<string?>("--tls-ca")
        {
            Description = "PEM CA of https nodes: their certificates must chain to it and carry the names in --nodes. Default: $TALLY_TLS_CA.",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("TALLY_TLS_CA"),
        };
        var host = CommonOptions.Host();
        var port = CommonOptions.Port();
        var command = new Command("dashboard", "Serve the live dashboard for a cluster started elsewhere.")
        {
            nodes, adminToken, tlsCa, host, port,
        };
        command.SetAction((r, ct) => CommonOptions.RunDashboardAsync(
            new DashboardSettings(r.GetValue(host)!, r.GetValue(port), Split(r.GetValue(nodes)!), r.GetValue(adminToken), null,
                NodesCaPath: r.GetValue(tlsCa)),
            r.InvocationConfiguration.Output, ct));
        return command;
    }

    static List<string> Split(string list) =>
        [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
