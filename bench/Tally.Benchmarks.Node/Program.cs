using System.Globalization;
using Tally.Benchmarks.Node;

// memory N: heap bytes per video of a replica by part; restart N [dir]: a data directory of N videos, then the time
// to load it and build the replica.
switch (args)
{
    case ["memory", var n, ..]:
        MemoryByPart.Run(int.Parse(n, CultureInfo.InvariantCulture));
        break;
    case ["restart", var n, ..]:
        await Restart.RunAsync(int.Parse(n, CultureInfo.InvariantCulture), args.Length > 2 ? args[2] : null, args.Contains("--keep"));
        break;
    default:
        Console.Error.WriteLine("usage: memory VIDEOS | restart VIDEOS [DIRECTORY] [--keep]");
        Environment.Exit(2);
        break;
}
