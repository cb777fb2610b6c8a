using System.Globalization;
using Tally.Benchmarks.Storage;
using Tally.Storage;

// Usage: Tally.Benchmarks.Storage [seconds per case = 2] [rounds = 3] [directory = system temp]
// Runs every case once per round (rounds interleave, so a noisy minute hits all cases alike) and prints the machine,
// then one markdown row per case with medians over the rounds: acknowledged appends/s and views/s, fsyncs/s, appends
// per fsync, and the ratio of views/s to the baseline with the same writers (one write+fsync per append of the same
// record bytes), computed per round and then the median taken.
var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 2;
var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
var root = args.Length > 2 ? args[2] : Path.GetTempPath();
var duration = TimeSpan.FromSeconds(seconds);

var cases = new List<(int ViewsPerDelta, int Writers, Func<ILogUnderTest> Log)>();
foreach (var (views, writerCounts) in new[] { (1, new[] { 1, 8, 64 }), (1000, new[] { 1, 8 }) })
{
    foreach (var writers in writerCounts)
    {
        cases.Add((views, writers, () => new RawFsyncLog())); // the baseline of the rows after it
        cases.Add((views, writers, () => new StoreLog(Durability.Fsync)));
        cases.Add((views, writers, () => new SqliteLog()));
        if (writers == 8)
        {
            cases.Add((views, writers, () => new StoreLog(Durability.None)));
        }
    }
}

Console.WriteLine(Machine.Describe(root));
Console.WriteLine($"{rounds} rounds; each case runs {seconds:0.#} s per round after a 0.3 s warm-up; data in {root}. Medians over rounds.");
Console.WriteLine();
var results = new List<Result>[cases.Count];
for (var round = 0; round < rounds; round++)
{
    for (var i = 0; i < cases.Count; i++)
    {
        var (views, writers, log) = cases[i];
        (results[i] ??= []).Add(await Cases.RunAsync(log(), writers, views, duration, root));
    }
    Console.Error.WriteLine($"round {round + 1} of {rounds} done");
}

Console.WriteLine("| case | writers | views/delta | appends/s | views/s | fsyncs/s | appends/fsync | vs baseline |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
var baseline = results[0];
for (var i = 0; i < cases.Count; i++)
{
    var runs = results[i];
    baseline = runs[0].Name.StartsWith("baseline", StringComparison.Ordinal) ? runs : baseline;
    var ratio = Median(runs.Select((r, round) => r.ViewsPerSecond / baseline[round].ViewsPerSecond));
    var fsyncs = Median(runs.Select(r => r.FsyncsPerSecond));
    var perFsync = fsyncs > 0 ? Median(runs.Select(r => r.AppendsPerSecond / r.FsyncsPerSecond)).ToString("N1", CultureInfo.InvariantCulture) : "-";
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {runs[0].Name} | {runs[0].Writers} | {runs[0].ViewsPerDelta} | {Median(runs.Select(r => r.AppendsPerSecond)):N0} | " +
        $"{Median(runs.Select(r => r.ViewsPerSecond)):N0} | {fsyncs:N0} | {perFsync} | {ratio:N2}x |"));
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}
