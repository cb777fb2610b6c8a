using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

using Tally.Launcher;

namespace Tally.Dashboard.Tests;

/// <summary>What the page keeps belongs to one cluster: a fresh cluster on the same address must not inherit the old
/// cluster's counts or top videos, and the user can reset the page's data. The nodes here are <see cref="StubNode"/>s
/// answering with the <c>clusterId</c> and <c>replicaId</c> fields of the identity contract, which the real node does
/// not give yet; the dashboard itself is the real one, in process.</summary>
public sealed class ClusterIdentityBrowserTests : IAsyncLifetime
{
    IPlaywright? _playwright;
    IBrowser? _browser;

    public async ValueTask InitializeAsync() => (_playwright, _browser) = await DashboardFixture.LaunchChromiumAsync();

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }
        _playwright?.Dispose();
    }

    [Fact]
    public async Task Page_NewClusterOnSameAddress_DropsOldCountsAndTopVideos()
    {
        await using var node = await StubNode.StartAsync("n1");
        node.Set("cluster-a", "replica-a1", new() { ["v"] = 159, ["old-hit"] = 500 });
        var port = FreePorts.Any();
        await using var dashboard = DashboardApp.Create(new("127.0.0.1", port, [node.Url], null, null, TimeSpan.FromMilliseconds(100)));
        await dashboard.StartAsync(TestContext.Current.CancellationToken);
        var url = $"http://127.0.0.1:{port}/?video=v";

        await using var s = await DashboardSession.OpenAsync(_browser!, url);
        await Expect(s.Page.Locator("#replica-count")).ToHaveTextAsync("159");
        await Expect(s.Page.Locator("#top-videos tr[data-video=\"old-hit\"]")).ToBeVisibleAsync();
        await Expect(s.Page.Locator("#cluster-id")).ToHaveTextAsync("cluster cluster-a");

        // Another cluster now answers at the same address (a fresh tally up on the same ports).
        node.Set("cluster-b", "replica-b1", new() { ["v"] = 2 });
        await Expect(s.Page.Locator("#cluster-notice")).ToContainTextAsync("dropped what it kept of the other cluster", new() { Timeout = DashboardSession.ConvergeMs });
        await Expect(s.Page.Locator("#replica-count")).ToHaveTextAsync("2");
        await Expect(s.Page.Locator("#top-videos tr[data-video=\"old-hit\"]")).ToHaveCountAsync(0);
        await Expect(s.Field("n1", "lag")).ToHaveTextAsync("0 (up to date)");

        // Also after a reload: what is stored is cluster B's alone.
        await s.Page.ReloadAsync();
        await Expect(s.Page.Locator("#replica-count")).ToHaveTextAsync("2");
        await Expect(s.Page.Locator("#top-videos tr[data-video=\"old-hit\"]")).ToHaveCountAsync(0);
        s.AssertNoConsoleErrors();
        await dashboard.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Page_ResetButton_ForgetsWhatThePageKept()
    {
        await using var node = await StubNode.StartAsync("n1");
        node.Set("cluster-c", "replica-c1", new() { ["v"] = 7 });
        var port = FreePorts.Any();
        await using var dashboard = DashboardApp.Create(new("127.0.0.1", port, [node.Url], null, null, TimeSpan.FromMilliseconds(100)));
        await dashboard.StartAsync(TestContext.Current.CancellationToken);

        await using var s = await DashboardSession.OpenAsync(_browser!, $"http://127.0.0.1:{port}/?video=v");
        await Expect(s.Page.Locator("#replica-count")).ToHaveTextAsync("7");
        // An entry no node has any more (e.g. a replica whose disk was wiped) keeps the page's count up...
        await s.Page.EvaluateAsync("""
            () => {
              const store = JSON.parse(localStorage.getItem('tally.page.v2'));
              store.replica.v['replica-gone'] = '100';
              store.top['ghost'] = '900';
              localStorage.setItem('tally.page.v2', JSON.stringify(store));
            }
            """);
        await s.Page.ReloadAsync();
        await Expect(s.Page.Locator("#replica-count")).ToHaveTextAsync("107");
        await Expect(s.Page.Locator("#top-videos tr[data-video=\"ghost\"]")).ToBeVisibleAsync();

        // ... until the user resets the page's data: it refills from the nodes.
        await s.Page.GetByRole(AriaRole.Button, new() { Name = "Reset page data" }).ClickAsync();
        await Expect(s.Page.Locator("#replica-count")).ToHaveTextAsync("7");
        await Expect(s.Page.Locator("#top-videos tr[data-video=\"ghost\"]")).ToHaveCountAsync(0);
        await Expect(s.Page.Locator("#action-result")).ToContainTextAsync("Page data cleared");
        s.AssertNoConsoleErrors();
        await dashboard.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Page_CountsBeyond2To53_StayExact()
    {
        await using var node = await StubNode.StartAsync("n1");
        // 2^53 + 1: a JavaScript number would show 9,007,199,254,740,992.
        node.Set("cluster-d", "replica-d1", new() { ["v"] = 9_007_199_254_740_993 });
        var port = FreePorts.Any();
        await using var dashboard = DashboardApp.Create(new("127.0.0.1", port, [node.Url], null, null, TimeSpan.FromMilliseconds(100)));
        await dashboard.StartAsync(TestContext.Current.CancellationToken);

        await using var s = await DashboardSession.OpenAsync(_browser!, $"http://127.0.0.1:{port}/?video=v");
        await Expect(s.Page.Locator("#replica-count")).ToHaveTextAsync("9,007,199,254,740,993");
        await Expect(s.Field("n1", "count")).ToHaveTextAsync("9,007,199,254,740,993");
        await Expect(s.Page.Locator("#chart-legend tr[data-node=\"n1\"] [data-field=now]")).ToHaveTextAsync("9,007,199,254,740,993");
        s.AssertNoConsoleErrors();
        await dashboard.StopAsync(TestContext.Current.CancellationToken);
    }
}
