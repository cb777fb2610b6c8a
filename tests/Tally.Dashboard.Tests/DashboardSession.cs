using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Tally.Dashboard.Tests;

/// <summary>One browser tab on the dashboard, with the helpers the scenarios need. Collects console errors and page
/// errors so each test can check there were none.</summary>
sealed class DashboardSession : IAsyncDisposable
{
    /// <summary>Bound on every wait for the cluster to converge (gossip runs every 200 ms in tests, so an idle machine
    /// converges in about a second). Generous so that a loaded machine makes the suite slower, not red: every wait
    /// ends as soon as its condition holds.</summary>
    public static readonly float ConvergeMs = 120_000;

    /// <summary>A control's effect shows on the cards within 1-2 s on an idle machine; a loaded one (load average
    /// 40-70 on 2 cores was seen) takes far longer. Also the default of every Playwright expectation and action
    /// (<see cref="DashboardFixture"/>), which otherwise would be 5 s.</summary>
    public static readonly float ControlMs = 60_000;

    readonly List<string> _errors = [];

    DashboardSession(IBrowserContext context, IPage page)
    {
        Context = context;
        Page = page;
        page.Console += (_, m) =>
        {
            if (m.Type == "error")
            {
                lock (_errors)
                {
                    _errors.Add("console: " + m.Text);
                }
            }
        };
        page.PageError += (_, e) =>
        {
            lock (_errors)
            {
                _errors.Add("page error: " + e);
            }
        };
    }

    public IBrowserContext Context { get; }
    public IPage Page { get; }

    public static Task<DashboardSession> OpenAsync(DashboardFixture fixture, int width = 1280, int height = 800) =>
        OpenAsync(fixture.Browser, fixture.Up.DashboardUrl, width, height);

    public static Task<DashboardSession> OpenAsync(DashboardFixture fixture, string url, int width = 1280, int height = 800) =>
        OpenAsync(fixture.Browser, url, width, height);

    public static async Task<DashboardSession> OpenAsync(IBrowser browser, string url, int width = 1280, int height = 800,
        ColorScheme scheme = ColorScheme.Light)
    {
        var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height }, ColorScheme = scheme });
        context.SetDefaultTimeout(ControlMs);
        var page = await context.NewPageAsync();
        var session = new DashboardSession(context, page);
        await page.GotoAsync(url);
        await Expect(page.Locator("#connection")).ToHaveTextAsync("live", new() { Timeout = ControlMs });
        return session;
    }

    public static string NewVideo(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..24];

    public ILocator Card(string node) => Page.Locator($".card[data-node=\"{node}\"]");

    public ILocator Field(string node, string field) => Card(node).Locator($"[data-field=\"{field}\"]");

    public async Task SelectVideoAsync(string video)
    {
        await Page.FillAsync("#video-input", video);
        await Page.ClickAsync("#video-form button[type=submit]");
        await Expect(Page.Locator("#video-name")).ToHaveTextAsync(video);
        await Expect(Page.Locator("#connection")).ToHaveTextAsync("live", new() { Timeout = ControlMs });
    }

    /// <summary>Fills and submits the form; returns the result text once the node answered.</summary>
    public async Task<string> SendViewsAsync(string node, string video, long amount)
    {
        await Page.FillAsync("#send-amount", amount.ToString());
        await Page.FillAsync("#send-video", video);
        await Page.SelectOptionAsync("#send-node", node);
        await Page.ClickAsync("#send-submit");
        var result = Page.Locator("#send-result");
        await Expect(result).ToContainTextAsync("answered", new() { Timeout = ControlMs });
        return await result.InnerTextAsync();
    }

    /// <summary>Clicks a card's control; Remove and Crash ask first, and the dialog's OK (named for the action and
    /// node) confirms.</summary>
    public async Task ControlAsync(string node, string action)
    {
        await Card(node).Locator($"button[data-action=\"{action}\"]").ClickAsync();
        if (action is "leave" or "crash")
        {
            var ok = Page.Locator("#confirm-ok");
            await Expect(ok).ToHaveTextAsync($"{(action == "leave" ? "Remove" : "Crash")} {node}");
            await ok.ClickAsync();
        }
        await Expect(Page.Locator("#action-result")).ToHaveTextAsync($"{action} {node}: done", new() { Timeout = ControlMs });
    }

    public Task ExpectStatusAsync(string node, string status, float timeoutMs) =>
        Expect(Field(node, "status")).ToHaveTextAsync(status, new() { Timeout = timeoutMs });

    /// <summary>Waits until every card that is not down, left, starting or of another cluster shows <paramref name="count"/>.</summary>
    public async Task ExpectLiveCardsAtAsync(long count, float timeoutMs)
    {
        const string script = """
            n => {
              const cards = [...document.querySelectorAll('.card')].filter(c => !['down', 'left', 'starting', 'foreign'].includes(c.dataset.status));
              return cards.length > 0 && cards.every(c => c.querySelector('[data-field="count"]').textContent === n);
            }
            """;
        try
        {
            await Page.WaitForFunctionAsync(script, count.ToString("N0", System.Globalization.CultureInfo.GetCultureInfo("en-US")),
                new() { Timeout = timeoutMs, PollingInterval = 100 });
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Every live card must reach count {count} within {timeoutMs / 1000} s; cards: {await CardsTextAsync()}");
        }
    }

    /// <summary>Starts recording every status the card of <paramref name="node"/> shows (polled every 20 ms, changes
    /// only), to check what a user saw in between.</summary>
    public Task RecordStatusesAsync(string node) => Page.EvaluateAsync("""
        n => {
          window.__statuses = [];
          clearInterval(window.__recorder);
          window.__recorder = setInterval(() => {
            const pill = document.querySelector(`.card[data-node="${n}"] [data-field=status]`);
            const text = pill ? pill.textContent : "";
            const seen = window.__statuses;
            if (seen[seen.length - 1] !== text) seen.push(text);
          }, 20);
        }
        """, node);

    public async Task<IReadOnlyList<string>> RecordedStatusesAsync() => await Page.EvaluateAsync<string[]>("() => window.__statuses");

    /// <summary>Waits until the timeline has an entry of <paramref name="kind"/> whose text contains <paramref name="text"/>.</summary>
    public Task ExpectTimelineAsync(string kind, string text) =>
        Expect(Page.Locator($"#timeline li[data-kind=\"{kind}\"]").Filter(new() { HasText = text }).First).ToBeVisibleAsync(new() { Timeout = ConvergeMs });

    public async Task<string> CardsTextAsync()
    {
        var texts = await Page.Locator(".card").AllInnerTextsAsync();
        return string.Join(" | ", texts.Select(t => t.ReplaceLineEndings(" ")));
    }

    public async Task<long> ReplicaCountAsync() =>
        long.Parse((await Page.Locator("#replica-count").InnerTextAsync()).Replace(",", ""));

    public async Task<JsonElement> StoredReplicaAsync(string video)
    {
        var json = await Page.EvaluateAsync<string>("v => JSON.stringify(((JSON.parse(localStorage.getItem('tally.page.v2') || '{}')).replica || {})[v] || {})", video);
        return JsonDocument.Parse(json).RootElement;
    }

    public async Task ScreenshotAsync(string name) =>
        await Page.ScreenshotAsync(new() { Path = Path.Combine(TestPaths.Artifacts, name + ".png"), FullPage = true });

    /// <param name="expected">A text of errors the test itself provokes (Chromium logs every HTTP error status a fetch
    /// gets, also one the page handles), which are then allowed.</param>
    public void AssertNoConsoleErrors(string? expected = null)
    {
        lock (_errors)
        {
            var errors = _errors.Where(e => expected is null || !e.Contains(expected, StringComparison.Ordinal)).ToList();
            Assert.True(errors.Count == 0, "The page must log no console errors, but logged:\n" + string.Join("\n", errors));
        }
    }

    public async ValueTask DisposeAsync() => await Context.CloseAsync();
}
