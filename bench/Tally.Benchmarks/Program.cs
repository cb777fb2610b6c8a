using System.Globalization;
using BenchmarkDotNet.Running;
using Tally.Benchmarks;

// `--memory [videos]` measures heap bytes per video (MemoryPerVideo); anything else goes to BenchmarkDotNet.
if (args is ["--memory", ..])
{
    MemoryPerVideo.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(BenchData).Assembly).Run(args);
