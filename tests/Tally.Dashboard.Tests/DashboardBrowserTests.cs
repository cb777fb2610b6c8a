using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Microsoft.Playwright.Assertions;

using Tally.Launcher;

namespace Tally.Dashboard.Tests;

/// <summary>The dashboard page against a real 3-node <c>tally up</c> cluster in headless Chromium. Each scenario uses
/// its own video and leaves every node running, so the scenarios do not depend on their order.</summary>
public sealed partial class DashboardBrowserTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    [Fact]
    public async Task Form_SendViews_EveryCardReachesNewCount()
    {
        await using var s = await DashboardSession.OpenAsync(fixture);
        var video = DashboardSession.NewVideo("form");
        await s.SelectVideoAsync(video);

        var reply = await s.SendViewsAsync("n1", video, 7);
        Assert.Contains("n1 answered: total 7, count 7", reply);
        await s.ExpectLiveCardsAtAsync(7, DashboardSession.ConvergeMs);
        await s.SendViewsAsync("n2", video, 5);
        await s.ExpectLiveCardsAtAsync(12, DashboardSession.ConvergeMs);

        await Expect(s.Field("n1", "total")).ToHaveTextAsync("7");
        await Expect(s.Field("n2", "total")).ToHaveTextAsync("5");
        await Expect(s.Field("n3", "total")).ToHaveTextAsync("0");
        await Expect(s.Page.Locator("#replica-count")).ToHaveTextAsync("12");
        await Expect(s.Page.Locator($"#top-videos tr[data-video=\"{video}\"]")).ToBeVisibleAsync();
        s.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Form_InvalidInput_ShowsErrorAndSendsNothing()
    {
        await using var s = await DashboardSession.OpenAsync(fixture);
        var video = DashboardSession.NewVideo("invalid");
        await s.SelectVideoAsync(video);

        await s.Page.FillAsync("#send-amount", "0");
        await s.Page.FillAsync("#send-video", "not a video id");
        await s.Page.ClickAsync("#send-submit");

        var result = s.Page.Locator("#send-result");
        await Expect(result).ToHaveClassAsync("result error");
        await Expect(result).ToContainTextAsync("Views: a whole number from 1 to 1,000,000.");
        await Expect(result).ToContainTextAsync("Video: 1-128 characters");
        await Expect(s.Field("n1", "count")).ToHaveTextAsync("0");
        s.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task RandomTest_AllCardsReachShownTotal()
    {
        await using var s = await DashboardSession.OpenAsync(fixture);
        var video = DashboardSession.NewVideo("random");
        await s.SelectVideoAsync(video);
        await s.SendViewsAsync("n3", video, 4);
        await s.ExpectLiveCardsAtAsync(4, DashboardSession.ConvergeMs);

        await s.Page.ClickAsync("#random-test");
        var expected = s.Page.Locator("#random-expected");
        await Expect(expected).Not.ToHaveTextAsync("–", new() { Timeout = DashboardSession.ControlMs });
        var total = long.Parse((await expected.InnerTextAsync()).Replace(",", ""));
        Assert.True(total >= 4 + DashboardFixture.Nodes, $"The expected total {total} must count the 4 earlier views and at least one new view per node.");

        await s.ExpectLiveCardsAtAsync(total, DashboardSession.ConvergeMs);
        await Expect(s.Page.Locator("#random-converged")).ToContainTextAsync("Converged", new() { Timeout = DashboardSession.ControlMs });
        await Expect(s.Page.Locator("#replica-count")).ToHaveTextAsync(total.ToString("N0", System.Globalization.CultureInfo.GetCultureInfo("en-US")));
        await s.ScreenshotAsync("dashboard");
        s.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Crash_NodeShownDown_RestartCatchesUp()
    {
        await using var s = await DashboardSession.OpenAsync(fixture);
        var video = DashboardSession.NewVideo("crash");
        await s.SelectVideoAsync(video);
        await s.SendViewsAsync("n2", video, 5);
        await s.ExpectLiveCardsAtAsync(5, DashboardSession.ConvergeMs);

        await s.ControlAsync("n2", "crash");
        await s.ExpectStatusAsync("n2", "down", DashboardSession.ControlMs);
        await Expect(s.Field("n2", "detail")).ToContainTextAsync("crashed");
        await Expect(s.Card("n2").Locator("button[data-action=restart]")).ToBeEnabledAsync();

        // Views while n2 is down: it must catch up after the restart.
        await s.SendViewsAsync("n1", video, 9);
        await s.ExpectLiveCardsAtAsync(14, DashboardSession.ConvergeMs);
        await Expect(s.Field("n2", "count")).ToHaveTextAsync("5");

        await s.RecordStatusesAsync("n2");
        await s.ControlAsync("n2", "restart");
        await s.ExpectStatusAsync("n2", "alive", DashboardSession.ConvergeMs);
        fixture.Up.RecordChildren();
        // Until the restarted node answers it is starting, never shown as down again.
        var seen = await s.RecordedStatusesAsync();
        Assert.True(seen.Contains("starting") && seen.SkipWhile(x => x != "starting").All(x => x is "starting" or "suspect" or "alive"),
            $"After Restart n2 must show starting, then alive, and never down; it showed {string.Join(" -> ", seen)}");
        await s.ExpectTimelineAsync("crashed", "n2 crashed");
        await s.ExpectTimelineAsync("restarted", "n2 restarted");
        await Expect(s.Field("n2", "count")).ToHaveTextAsync("14", new() { Timeout = DashboardSession.ConvergeMs });
        await Expect(s.Field("n2", "total")).ToHaveTextAsync("5");
        s.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Partition_SidesCountApart_HealConverges()
    {
        await using var s = await DashboardSession.OpenAsync(fixture);
        var video = DashboardSession.NewVideo("partition");
        await s.SelectVideoAsync(video);

        await s.ControlAsync("n3", "partition");
        await s.ExpectStatusAsync("n3", "partitioned", DashboardSession.ControlMs);
        await s.SendViewsAsync("n3", video, 3);
        await s.SendViewsAsync("n1", video, 2);
        await Expect(s.Field("n2", "count")).ToHaveTextAsync("2", new() { Timeout = DashboardSession.ConvergeMs });
        await Expect(s.Field("n3", "count")).ToHaveTextAsync("3");
        // A few gossip rounds later the sides still have not heard of each other.
        await Task.Delay(1000, TestContext.Current.CancellationToken);
        await Expect(s.Field("n1", "count")).ToHaveTextAsync("2");
        await Expect(s.Field("n3", "count")).ToHaveTextAsync("3");
        // Lag is measured against the merged entries the page holds (5), not against the highest node count (3): each
        // side misses the other's views.
        await Expect(s.Page.Locator("#replica-count")).ToHaveTextAsync("5");
        await Expect(s.Field("n3", "lag")).ToHaveTextAsync("2 behind");
        await Expect(s.Field("n1", "lag")).ToHaveTextAsync("3 behind");
        await s.ScreenshotAsync("dashboard-partition");

        await s.ControlAsync("n3", "heal");
        await s.ExpectStatusAsync("n3", "alive", DashboardSession.ControlMs);
        await s.ExpectLiveCardsAtAsync(5, DashboardSession.ConvergeMs);
        await Expect(s.Field("n3", "lag")).ToHaveTextAsync("0 (up to date)");
        await s.ExpectTimelineAsync("partitioned", "n3 partitioned");
        await s.ExpectTimelineAsync("healed", "n3 healed");
        s.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Reload_CountsNeverGoDown()
    {
        await using var s = await DashboardSession.OpenAsync(fixture);
        var video = DashboardSession.NewVideo("reload");
        await s.SelectVideoAsync(video);
        await s.SendViewsAsync("n1", video, 6);
        await s.SendViewsAsync("n2", video, 2);
        await s.ExpectLiveCardsAtAsync(8, DashboardSession.ConvergeMs);
        await Expect(s.Page.Locator("#replica-count")).ToHaveTextAsync("8");
        var stored = await s.StoredReplicaAsync(video);
        // One entry per replica (keyed by replica id, or by name on nodes without one), kept as exact decimal strings.
        Assert.Equal(["2", "6"], stored.EnumerateObject().Select(p => p.Value.GetString()).Order());

        // Right after the reload, before any update arrives, the page shows what its replica kept.
        await s.Page.RouteAsync("**/api/events**", route => route.AbortAsync());
        await s.Page.ReloadAsync();
        Assert.Equal(8, await s.ReplicaCountAsync());
        await s.Page.UnrouteAllAsync();
        await s.Page.ReloadAsync();
        await Expect(s.Page.Locator("#connection")).ToHaveTextAsync("live", new() { Timeout = DashboardSession.ControlMs });
        await s.ExpectLiveCardsAtAsync(8, DashboardSession.ConvergeMs);
        Assert.True(await s.ReplicaCountAsync() >= 8, "The page's count must never go below what it showed before the reload.");
        await Expect(s.Page.Locator("#replica-note")).ToContainTextAsync("never goes down");
    }

    [Fact]
    public async Task AddNode_NewCardJoinsAndCatchesUp()
    {
        await using var s = await DashboardSession.OpenAsync(fixture);
        var video = DashboardSession.NewVideo("add");
        await s.SelectVideoAsync(video);
        await s.SendViewsAsync("n1", video, 3);
        await s.ExpectLiveCardsAtAsync(3, DashboardSession.ConvergeMs);
        var before = await s.Page.Locator(".card").CountAsync();

        var added = $"n{before + 1}";
        await s.RecordStatusesAsync(added);
        await s.Page.ClickAsync("#add-node");
        await Expect(s.Page.Locator("#action-result")).ToContainTextAsync("added", new() { Timeout = DashboardSession.ControlMs });
        await s.ExpectStatusAsync(added, "alive", DashboardSession.ConvergeMs);
        var seen = await s.RecordedStatusesAsync();
        Assert.True(seen.Contains("starting") && !seen.Contains("down"),
            $"A new node must show starting until it answers, never down; {added} showed {string.Join(" -> ", seen)}");
        await s.ExpectTimelineAsync("joined", $"{added} joined");
        fixture.Up.RecordChildren();
        await Expect(s.Field(added, "count")).ToHaveTextAsync("3", new() { Timeout = DashboardSession.ConvergeMs });

        await s.SendViewsAsync(added, video, 4);
        await s.ExpectLiveCardsAtAsync(7, DashboardSession.ConvergeMs);

        // Remove it again (graceful leave): its views stay counted everywhere.
        await s.ControlAsync(added, "leave");
        await s.ExpectStatusAsync(added, "left", DashboardSession.ConvergeMs);
        await s.ExpectLiveCardsAtAsync(7, DashboardSession.ConvergeMs);
        // A node that left makes no lag claim.
        await Expect(s.Field(added, "lag")).ToHaveTextAsync("–");
        await s.ExpectTimelineAsync("left", $"{added} left");

        // Restarted after its leave, it is starting and then back: never shown leaving or left on its peers' memory.
        await s.RecordStatusesAsync(added);
        await s.ControlAsync(added, "restart");
        await s.ExpectStatusAsync(added, "alive", DashboardSession.ConvergeMs);
        fixture.Up.RecordChildren();
        var back = await s.RecordedStatusesAsync();
        Assert.True(back.Contains("starting") && back.SkipWhile(x => x != "starting").All(x => x is "starting" or "suspect" or "alive"),
            $"After Restart {added} must show starting, then alive; it showed {string.Join(" -> ", back)}");
        await s.ExpectLiveCardsAtAsync(7, DashboardSession.ConvergeMs);
        s.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Api_BadRequests_AnswerProblemDetailsAndChangeNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var http = fixture.Up.Http;
        var url = fixture.Up.DashboardUrl;

        using var form = await http.PostAsJsonAsync($"{url}/api/views", new { node = "nope", videoId = "bad id", amount = 0 }, ct);
        Assert.Equal(HttpStatusCode.BadRequest, form.StatusCode);
        Assert.Equal("application/problem+json", form.Content.Headers.ContentType?.MediaType);
        var errors = (await form.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("node", out _) && errors.TryGetProperty("videoId", out _) && errors.TryGetProperty("amount", out _),
            $"every bad field must be named: {errors}");

        using var tooMany = await http.PostAsJsonAsync($"{url}/api/views", new { node = "n1", videoId = "ok", amount = 1_000_001 }, ct);
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        using var unknown = await http.PostAsync($"{url}/api/nodes/nope/crash", null, ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        using var events = await http.GetAsync($"{url}/api/events?video=bad%20id", ct);
        Assert.Equal(HttpStatusCode.BadRequest, events.StatusCode);
        using var random = await http.PostAsJsonAsync($"{url}/api/random-test", new { videoId = "" }, ct);
        Assert.Equal(HttpStatusCode.BadRequest, random.StatusCode);

        var video = await http.GetFromJsonAsync<JsonElement>($"{fixture.Up.NodeUrl(1)}/videos/ok", ct);
        Assert.Equal(0, video.GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task ExternalDashboard_FindsEveryNode_OffersOnlyHttpControls()
    {
        var ct = TestContext.Current.CancellationToken;
        var port = FreePorts.Any();
        await using var dashboard = TallyProcess.Start(
            "dashboard", "--nodes", fixture.Up.NodeUrl(1), "--port", port.ToString(), "--admin-token", fixture.Up.AdminToken);
        await fixture.Up.WaitUntilAsync($"http://127.0.0.1:{port}/alive", ct);

        await using var s = await DashboardSession.OpenAsync(fixture, $"http://127.0.0.1:{port}");
        // Given one URL, it finds the others through the members that node reports.
        await Expect(s.Card("n2")).ToBeVisibleAsync(new() { Timeout = DashboardSession.ControlMs });
        await Expect(s.Card("n3")).ToBeVisibleAsync(new() { Timeout = DashboardSession.ControlMs });
        await Expect(s.Page.Locator("#mode-note")).ToContainTextAsync("add, crash and restart are unavailable");
        await Expect(s.Page.Locator("#add-node")).ToBeDisabledAsync();
        await Expect(s.Card("n1").Locator("button[data-control=crash]")).ToBeDisabledAsync();
        await Expect(s.Card("n1").Locator("button[data-control=restart]")).ToBeDisabledAsync();
        await Expect(s.Card("n1").Locator("button[data-control=partition]")).ToBeEnabledAsync();
        await Expect(s.Card("n1").Locator("button[data-control=leave]")).ToBeEnabledAsync();
        s.AssertNoConsoleErrors();
        Assert.True(await dashboard.StopAsync(TimeSpan.FromSeconds(20)), "tally dashboard must stop on SIGTERM");
    }

    [Fact]
    public async Task PhoneWidth_PageFitsWithoutHorizontalScroll()
    {
        await using var s = await DashboardSession.OpenAsync(fixture, 390, 844);
        await Expect(s.Card("n1")).ToBeVisibleAsync();
        var overflow = await s.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"At phone width the page must not scroll sideways, but is {overflow}px too wide.");
        await s.ScreenshotAsync("dashboard-phone");
        s.AssertNoConsoleErrors();
    }
}
