using System.CommandLine;
using System.Globalization;
using System.Net;
using Tally.Dashboard;

namespace Tally.Cli;

/// <summary>Options and the run loop that <c>tally up</c> and <c>tally dashboard</c> share.</summary>
static class CommonOptions
{
    public static Option<string> Host() => new("--host")
    {
        Description = "Interface the dashboard binds (0.0.0.0 in a container).",
        DefaultValueFactory = _ => "127.0.0.1",
        Validators =
        {
            r =>
            {
                var v = r.GetValueOrDefault<string>();
                if (v != "localhost" && !IPAddress.TryParse(v, out _))
                {
                    r.AddError($"--host: '{v}' is not an IP address or localhost.");
                }
            },
        },
    };

    public static Option<int> Port() => WholeNumber("--port", "Port of the dashboard.", 8000, 1, 65535);

    /// <summary>An integer option from <paramref name="min"/> to <paramref name="max"/>. Parsed here, so that text such
    /// as <c>zero</c> is a usage error like any other (exit 2), not an exception in a validator.</summary>
    public static Option<int> WholeNumber(string name, string description, int defaultValue, int min, int max) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r =>
        {
            var text = r.Tokens.Count == 1 ? r.Tokens[0].Value : string.Join(' ', r.Tokens.Select(t => t.Value));
            if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            {
                return value;
            }
            r.AddError($"{name}: '{text}' is not a whole number from {min} to {max}.");
            return defaultValue;
        },
    };

    /// <summary>Runs the dashboard until <paramref name="ct"/> is cancelled (Ctrl+C). Returns the exit code.
    /// <paramref name="started"/> runs once it listens, before its address is printed.</summary>
    public static async Task<int> RunDashboardAsync(DashboardSettings settings, TextWriter output, CancellationToken ct,
        Func<CancellationToken, Task>? started = null)
    {
        var app = DashboardApp.Create(settings);
        await using (app)
        {
            try
            {
                await app.StartAsync(ct);
            }
            catch (IOException e)
            {
                await Console.Error.WriteLineAsync($"tally: the dashboard cannot listen on {settings.Host}:{settings.Port}: {e.Message}");
                return 1;
            }
            if (started is not null)
            {
                try
                {
                    await started(ct);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                }
            }
            await output.WriteLineAsync($"Dashboard: http://{(settings.Host == "0.0.0.0" ? "localhost" : settings.Host)}:{settings.Port}  (Ctrl+C to stop)");
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }
            await app.StopAsync(CancellationToken.None);
        }
        return 0;
    }
}
