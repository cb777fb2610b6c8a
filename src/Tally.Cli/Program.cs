using System.CommandLine;

namespace Tally.Cli;

/// <summary>Entry point of the <c>tally</c> tool. Each subcommand lives in its own file (<c>XCommand.cs</c>) and
/// registers here.</summary>
static class Program
{
    static Task<int> Main(string[] args)
    {
        var root = new RootCommand("Tally: a distributed view counter built on a grow-only counter CRDT.");
        // Subcommands: one line each.
        root.Subcommands.Add(UpCommand.Create());
        root.Subcommands.Add(DashboardCommand.Create());
        root.Subcommands.Add(SimulateCommand.Create());
        root.Subcommands.Add(NodeCommand.Create());
        root.Subcommands.Add(MaelstromCommand.Create());
        return root.Parse(args).InvokeAsync();
    }
}
