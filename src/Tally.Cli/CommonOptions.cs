using System.CommandLine;
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

    public static Option<int> Port() => new("--port")
    {
        Description = "Port of the dashboard.",
        DefaultValueFactory = _ => 8000,
        Validators = { r => CheckPort(r, "--port") },
    };

    public static void CheckPort(System.CommandLine.Parsing.OptionResult r, string name)
    {
        var v = r.GetValueOrDefault<int>();
        if (v is < 1 or > 65535)
        {
            r.AddError($"{name}: {v} is not a port (1-65535).");
        }
    }

    /// <summary>Runs the dashboard until <paramref name="ct"/> is cancelled (Ctrl+C). Returns the exit code.</summary>
    public static async Task<int> RunDashboardAsync(DashboardSettings settings, TextWriter output, CancellationToken ct)
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
