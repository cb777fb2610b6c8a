using System.Globalization;

namespace Tally.Benchmarks.Convergence;

/// <summary>Command-line options; unknown options and bad values stop the program with a clear message.</summary>
sealed record Options(int Nodes, int IntervalMs, int Iterations, int Requests, int Videos, int IdleRounds, int Small, int Large,
    bool SkipIdle, int Seed)
{
    public static Options Parse(string[] args)
    {
        var values = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["--nodes"] = 5,
            ["--interval-ms"] = 1000,
            ["--iterations"] = 20,
            ["--requests"] = 200,
            ["--videos"] = 4,
            ["--idle-rounds"] = 10,
            ["--small"] = 10_000,
            ["--large"] = 1_000_000,
            ["--seed"] = 1,
        };
        var skipIdle = false;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--skip-idle")
            {
                skipIdle = true;
            }
            else if (values.ContainsKey(args[i]) && i + 1 < args.Length &&
                     int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0)
            {
                values[args[i++]] = value;
            }
            else
            {
                Console.Error.WriteLine($"Unknown option or bad value at '{args[i]}'. Options (positive whole numbers): " +
                    string.Join(", ", values.Select(kv => $"{kv.Key} {kv.Value}")) + ", --skip-idle.");
                Environment.Exit(2);
            }
        }
        if (values["--nodes"] < 2 || values["--small"] > values["--large"])
        {
            Console.Error.WriteLine("--nodes must be at least 2 and --small at most --large.");
            Environment.Exit(2);
        }
        return new Options(values["--nodes"], values["--interval-ms"], values["--iterations"], values["--requests"], values["--videos"],
            values["--idle-rounds"], values["--small"], values["--large"], skipIdle, values["--seed"]);
    }
}
