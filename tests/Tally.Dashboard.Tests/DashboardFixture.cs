using Microsoft.Playwright;

using Tally.Launcher;

namespace Tally.Dashboard.Tests;

/// <summary>One <c>tally up</c> cluster (3 nodes, short gossip interval) and one headless Debian Chromium, shared by
/// the browser tests of a class. Chromium is never downloaded: without it the tests fail and say how to install it.</summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    public const int Nodes = 3;

    static readonly string[] ChromiumArgs = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"];

    IPlaywright? _playwright;
    LocalUp? _up;
    string? _dataRoot;

    internal LocalUp Up => _up ?? throw new InvalidOperationException("The cluster did not start.");
    public IBrowser Browser { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        _dataRoot = TestPaths.TempDirectory("tally-dashboard-tests");
        // Room for the nodes the add test starts.
        var basePort = FreePorts.Range(Nodes + 3);
        _up = await LocalUp.StartAsync(Nodes, _dataRoot, basePort, FreePorts.Any(), ct);
        (_playwright, Browser) = await LaunchChromiumAsync();
    }

    /// <summary>Debian's headless Chromium under Playwright (never a downloaded browser), with every expectation's
    /// default bound set to <see cref="DashboardSession.ControlMs"/>.</summary>
    public static async Task<(IPlaywright, IBrowser)> LaunchChromiumAsync()
    {
        var chromium = Environment.GetEnvironmentVariable("TALLY_CHROMIUM") ?? "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            throw new InvalidOperationException(
                $"Chromium is missing at {chromium}: the browser tests need Debian's chromium (apt-get install -y chromium; ./test.sh installs it), " +
                "or TALLY_CHROMIUM pointing at a Chromium binary. No browser is downloaded.");
        }
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        // Conditions, not fixed timeouts: an expectation waits up to this long and ends as soon as it holds.
        Assertions.SetDefaultExpectTimeout(DashboardSession.ControlMs);
        var playwright = await Playwright.CreateAsync();
        return (playwright, await playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Args = ChromiumArgs }));
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        _playwright?.Dispose();
        if (_up is not null)
        {
            await _up.StopAsync();
            await _up.DisposeAsync();
        }
        if (_dataRoot is not null)
        {
            try
            {
                Directory.Delete(_dataRoot, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
