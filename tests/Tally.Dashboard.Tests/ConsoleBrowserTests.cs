using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Tally.Dashboard.Tests;

/// <summary>The operator-console parts of the page against the same 3-node cluster: chart, gossip figures, URL,
/// confirmations, keyboard, labels, dark mode and the send form.</summary>
public sealed partial class DashboardBrowserTests
{
    [Fact]
    public async Task Chart_LegendShowsCurrentCounts_IntegerTicksReadableTimes()
    {
        await using var s = await DashboardSession.OpenAsync(fixture);
        var video = DashboardSession.NewVideo("chart");
        await s.SelectVideoAsync(video);
        await s.SendViewsAsync("n1", video, 2);
        await s.SendViewsAsync("n2", video, 1);
        await s.ExpectLiveCardsAtAsync(3, DashboardSession.ConvergeMs);

        // The legend shows every node's count now, without hovering.
        foreach (var node in new[] { "n1", "n2", "n3" })
        {
            await Expect(s.Page.Locator($"#chart-legend tr[data-node=\"{node}\"] [data-field=now]")).ToHaveTextAsync("3");
        }
        // Wait for a few seconds of points, then read the axes' labels.
        await s.Page.WaitForFunctionAsync("() => Number(document.getElementById('chart').dataset.points) >= 12",
            null, new() { Timeout = DashboardSession.ConvergeMs, PollingInterval = 200 });
        var labels = await s.Page.EvaluateAsync<string[][]>("""
            () => [...document.querySelectorAll('#chart .u-axis')].map(a => [...a.querySelectorAll('.u-value')].map(v => v.textContent).filter(t => t))
            """);
        Assert.Equal(2, labels.Length);
        Assert.All(labels[0], t => Assert.Matches(@"^\d\d:\d\d:\d\d$", t));
        Assert.All(labels[1], t => Assert.Matches(@"^\d[\d,]*$", t));
        var times = labels[0].Select(t => TimeSpan.ParseExact(t, @"hh\:mm\:ss", CultureInfo.InvariantCulture)).ToList();
        Assert.True(times.Zip(times.Skip(1)).All(p => (p.Second - p.First).TotalSeconds >= 1),
            $"Time ticks must be whole seconds apart at least: {string.Join(", ", labels[0])}");

        // The chart's text alternative names every node's count.
        await Expect(s.Page.Locator("#chart")).ToHaveAttributeAsync("aria-label", new Regex("n1 3, n2 3, n3 3"));
        await Expect(s.Page.Locator("#chart-summary")).ToContainTextAsync($"Count of {video} over the last 5 minutes");
        s.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Chart_HistoryKeptByDashboard_SurvivesReloadAndRangeChanges()
    {
        await using var s = await DashboardSession.OpenAsync(fixture);
        var video = DashboardSession.NewVideo("history");
        await s.SelectVideoAsync(video);
        // The dashboard samples once a second: some samples of 0 first, then the views.
        await WaitForHistoryAsync(video, h => h.GetProperty("at").GetArrayLength() >= 3);
        await s.SendViewsAsync("n1", video, 4);
        await s.ExpectLiveCardsAtAsync(4, DashboardSession.ConvergeMs);
        await WaitForHistoryAsync(video, h => h.GetProperty("nodes").GetProperty("n1").EnumerateArray().LastOrDefault().ValueKind == JsonValueKind.String
            && h.GetProperty("nodes").GetProperty("n1").EnumerateArray().Last().GetString() == "4");

        // Reload with the live stream blocked: the points can only come from the dashboard's history, and they show the
        // count before the views (0) as well as after.
        await s.Page.RouteAsync("**/api/events**", route => route.AbortAsync());
        await s.Page.ReloadAsync();
        await s.Page.WaitForFunctionAsync("() => Number(document.getElementById('chart').dataset.points) >= 4",
            null, new() { Timeout = DashboardSession.ConvergeMs, PollingInterval = 200 });
        await Expect(s.Page.Locator("#chart-legend tr[data-node=\"n1\"] td").Nth(2)).ToHaveTextAsync("0");
        Assert.Equal(video, await s.Page.InputValueAsync("#video-input"));

        // The range picker asks the dashboard for that range again, and remembers the choice.
        await s.Page.SelectOptionAsync("#chart-range", "60");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        await s.Page.WaitForFunctionAsync("min => Number(document.getElementById('chart').dataset.from) >= min",
            now - 65, new() { Timeout = DashboardSession.ControlMs, PollingInterval = 100 });
        await Expect(s.Page.Locator("#chart-summary")).ToContainTextAsync("over the last 1 minute");
        await s.Page.UnrouteAllAsync();
        await s.Page.ReloadAsync();
        await Expect(s.Page.Locator("#chart-range")).ToHaveValueAsync("60");

        using var bad = await fixture.Up.Http.GetAsync($"{fixture.Up.DashboardUrl}/api/history?video={video}&seconds=0", TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
    }

    /// <summary>Polls <c>GET /api/history</c> of the last 5 minutes until <paramref name="condition"/> holds.</summary>
    async Task WaitForHistoryAsync(string video, Func<JsonElement, bool> condition)
    {
        var ct = TestContext.Current.CancellationToken;
        var deadline = DateTime.UtcNow.AddMilliseconds(DashboardSession.ConvergeMs);
        JsonElement history = default;
        while (DateTime.UtcNow < deadline)
        {
            history = await fixture.Up.Http.GetFromJsonAsync<JsonElement>($"{fixture.Up.DashboardUrl}/api/history?video={video}&seconds=300", ct);
            if (condition(history))
            {
                return;
            }
            await Task.Delay(200, ct);
        }
        Assert.Fail($"The dashboard's history of {video} never met the condition; last: {history}");
    }

    [Fact]
    public async Task Cards_ShowGossipFigures_FromNodeMetrics()
    {
        await using var s = await DashboardSession.OpenAsync(fixture);
        foreach (var node in new[] { "n1", "n2", "n3" })
        {
            await Expect(s.Field(node, "rates")).ToHaveTextAsync(new Regex(@"^[\d.]+ k?msg/s · [\d.]+ [kM]?B/s$"), new() { Timeout = DashboardSession.ConvergeMs });
            await Expect(s.Field(node, "merge")).ToHaveTextAsync(new Regex(@"^[\d.]+ ms$"), new() { Timeout = DashboardSession.ConvergeMs });
            await Expect(s.Field(node, "phase")).ToHaveTextAsync("ready");
            await Expect(s.Field(node, "members")).ToHaveTextAsync(new Regex(@"^[3-9]$"));
        }
        s.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Url_VideoParameter_SelectsAndFollowsTheVideo()
    {
        var video = DashboardSession.NewVideo("url");
        await using var s = await DashboardSession.OpenAsync(fixture, $"{fixture.Up.DashboardUrl}/?video={video}");
        await Expect(s.Page.Locator("#video-name")).ToHaveTextAsync(video);
        var other = DashboardSession.NewVideo("url2");
        await s.SelectVideoAsync(other);
        Assert.EndsWith($"?video={other}", s.Page.Url);
        await s.Page.GoBackAsync();
        await Expect(s.Page.Locator("#video-name")).ToHaveTextAsync(video);
        s.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task RemoveAndCrash_AskFirst_CancelChangesNothing()
    {
        await using var s = await DashboardSession.OpenAsync(fixture);
        foreach (var (action, label) in new[] { ("leave", "Remove n1"), ("crash", "Crash n1") })
        {
            await s.Page.GetByRole(AriaRole.Button, new() { Name = label, Exact = true }).ClickAsync();
            var dialog = s.Page.Locator("#confirm");
            await Expect(dialog).ToBeVisibleAsync();
            await Expect(s.Page.Locator("#confirm-text")).ToContainTextAsync(action == "leave" ? "Remove n1" : "Crash n1");
            await Expect(s.Page.Locator("#confirm-cancel")).ToBeFocusedAsync();
            await s.Page.Keyboard.PressAsync("Escape");
            await Expect(dialog).ToBeHiddenAsync();
        }
        // Nothing was sent: n1 stays up for the whole of a few polls.
        await Task.Delay(1500, TestContext.Current.CancellationToken);
        await Expect(s.Field("n1", "status")).ToHaveTextAsync("alive");
        await Expect(s.Page.Locator("#action-result")).Not.ToContainTextAsync("n1");
        s.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Keyboard_ReachesEveryControlAndRow_LabelsNameTheNode()
    {
        await using var s = await DashboardSession.OpenAsync(fixture);
        var video = DashboardSession.NewVideo("keys");
        await s.SelectVideoAsync(video);
        await s.SendViewsAsync("n2", video, 1);
        var row = s.Page.Locator($"#top-videos tr[data-video=\"{video}\"] button");
        await Expect(row).ToBeVisibleAsync(new() { Timeout = DashboardSession.ConvergeMs });
        await s.SelectVideoAsync(DashboardSession.NewVideo("keys2"));

        // Tab through the whole page once, collecting what takes the focus.
        await s.Page.Locator("#reset-page").FocusAsync();
        var reached = new List<string>();
        for (var i = 0; i < 120; i++)
        {
            reached.Add(await s.Page.EvaluateAsync<string>("() => { const e = document.activeElement; return e.getAttribute('aria-label') || e.id || e.textContent.trim(); }"));
            await s.Page.Keyboard.PressAsync("Tab");
        }
        foreach (var name in new[] { "Remove n1", "Crash n2", "Partition n3", "video-input", "send-amount", "send-node", "random-test", "chart-range", $"Show video {video}" })
        {
            Assert.True(reached.Contains(name), $"Tab must reach '{name}'; it reached: {string.Join(", ", reached.Distinct())}");
        }
        // A row is chosen with the keyboard.
        await row.FocusAsync();
        await s.Page.Keyboard.PressAsync("Enter");
        await Expect(s.Page.Locator("#video-name")).ToHaveTextAsync(video);
        s.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task SendForm_OtherVideo_SaysSoAndKeepsTheSelectedOne()
    {
        await using var s = await DashboardSession.OpenAsync(fixture);
        var shown = DashboardSession.NewVideo("shown");
        var other = DashboardSession.NewVideo("other");
        await s.SelectVideoAsync(shown);
        var reply = await s.SendViewsAsync("n1", other, 2);
        Assert.Contains($"Sent to video {other}; this page still shows {shown}.", reply);
        await Expect(s.Page.Locator("#video-name")).ToHaveTextAsync(shown);
        await s.Page.GetByRole(AriaRole.Button, new() { Name = $"Show {other}", Exact = true }).ClickAsync();
        await Expect(s.Page.Locator("#video-name")).ToHaveTextAsync(other);
        await s.ExpectLiveCardsAtAsync(2, DashboardSession.ConvergeMs);
        s.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task DarkMode_FollowsColorScheme()
    {
        await using var s = await DashboardSession.OpenAsync(fixture.Browser, fixture.Up.DashboardUrl, 1280, 1000, ColorScheme.Dark);
        var background = await s.Page.EvaluateAsync<string>("() => getComputedStyle(document.documentElement).backgroundColor");
        var rgb = Regex.Matches(background, @"\d+").Take(3).Select(m => int.Parse(m.Value, CultureInfo.InvariantCulture)).ToList();
        Assert.True(rgb.Average() < 64, $"With prefers-color-scheme: dark the page background must be dark, but is {background}.");
        await Expect(s.Card("n1")).ToBeVisibleAsync();
        await Expect(s.Field("n1", "rates")).Not.ToHaveTextAsync("–", new() { Timeout = DashboardSession.ConvergeMs });
        await s.ScreenshotAsync("dashboard-dark");
        s.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Timeline_ShowsEventsWithTimes()
    {
        await using var s = await DashboardSession.OpenAsync(fixture);
        await s.ControlAsync("n2", "partition");
        await s.ExpectTimelineAsync("partitioned", "n2 partitioned");
        await s.ControlAsync("n2", "heal");
        await s.ExpectTimelineAsync("healed", "n2 healed");
        var time = await s.Page.Locator("#timeline li[data-kind=healed] time").First.InnerTextAsync();
        Assert.Matches(@"^\d\d:\d\d:\d\d$", time);
        await s.Page.Locator("#timeline").ScrollIntoViewIfNeededAsync();
        await s.ScreenshotAsync("dashboard-timeline");
        s.AssertNoConsoleErrors();
    }
}
