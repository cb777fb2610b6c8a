using System.Globalization;
using BenchmarkDotNet.Running;
using Tally.Benchmarks;

// `--memory [videos]` measures heap bytes per video (MemoryPerVideo); `--merge-cpu [videos] [runs] [only]` the CPU time
// of Tally's map merges (MergeCpu); anything else goes to BenchmarkDotNet.
if (args is ["--memory", ..])
{
    MemoryPerVideo.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000);
    return;
}
if (args is ["--merge-cpu", ..])
{
    MergeCpu.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000,
        args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5, args.Length > 3 ? args[3] : null);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(BenchData).Assembly).Run(args);
