using System.CommandLine;

namespace Tally.Cli;

/// <summary>Entry point of the <c>tally</c> tool. Each subcommand lives in its own file (<c>XCommand.cs</c>) and
/// registers here.</summary>
static class Program
{
    static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("Tally: a distributed view counter built on a grow-only counter CRDT.");
        // Subcommands: one line each.
        root.Subcommands.Add(UpCommand.Create());
        root.Subcommands.Add(DashboardCommand.Create());
        root.Subcommands.Add(SimulateCommand.Create());
        root.Subcommands.Add(NodeCommand.Create());
        root.Subcommands.Add(MaelstromCommand.Create());
        var parse = root.Parse(args);
        // Stopping tally up stops its nodes (up to 10 s each, in parallel) and a node flushes its state: under load that
        // takes longer than System.CommandLine's default 2 s, after which it would end the process with exit code 143.
        var config = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(60) };
        // A usage error (bad option value) exits 2, as the commands' own validation does; help and errors are printed.
        if (parse.Errors.Count > 0)
        {
            await parse.InvokeAsync(config);
            return 2;
        }
        return await parse.InvokeAsync(config);
    }
}
