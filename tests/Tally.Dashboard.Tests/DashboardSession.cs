using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Tally.Dashboard.Tests;

/// <summary>One browser tab on the dashboard, with the helpers the scenarios need. Collects console errors and page
/// errors so each test can check there were none.</summary>
sealed class DashboardSession : IAsyncDisposable
{
    /// <summary>Bound on every wait for the cluster to converge (gossip runs every 200 ms in tests).</summary>
    public static readonly float ConvergeMs = 20_000;

    /// <summary>A control's effect must show on the cards within 1-2 s; allow some slack for a loaded CI machine.</summary>
    public static readonly float ControlMs = 5_000;

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
        OpenAsync(fixture, fixture.Up.DashboardUrl, width, height);

    public static async Task<DashboardSession> OpenAsync(DashboardFixture fixture, string url, int width = 1280, int height = 800)
    {
        var context = await fixture.Browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height } });
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

    public async Task ControlAsync(string node, string action)
    {
        await Card(node).Locator($"button[data-action=\"{action}\"]").ClickAsync();
        await Expect(Page.Locator("#action-result")).ToHaveTextAsync($"{action} {node}: done", new() { Timeout = ControlMs });
    }

    public Task ExpectStatusAsync(string node, string status, float timeoutMs) =>
        Expect(Field(node, "status")).ToHaveTextAsync(status, new() { Timeout = timeoutMs });

    /// <summary>Waits until every card that is not down or left shows <paramref name="count"/>.</summary>
    public async Task ExpectLiveCardsAtAsync(long count, float timeoutMs)
    {
        const string script = """
            n => {
              const cards = [...document.querySelectorAll('.card')].filter(c => c.dataset.status !== 'down' && c.dataset.status !== 'left');
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

    public async Task<string> CardsTextAsync()
    {
        var texts = await Page.Locator(".card").AllInnerTextsAsync();
        return string.Join(" | ", texts.Select(t => t.ReplaceLineEndings(" ")));
    }

    public async Task<long> ReplicaCountAsync() =>
        long.Parse((await Page.Locator("#replica-count").InnerTextAsync()).Replace(",", ""));

    public async Task<JsonElement> StoredReplicaAsync(string video)
    {
        var json = await Page.EvaluateAsync<string>("v => JSON.stringify((JSON.parse(localStorage.getItem('tally.replica.v1') || '{}'))[v] || {})", video);
        return JsonDocument.Parse(json).RootElement;
    }

    public async Task ScreenshotAsync(string name) =>
        await Page.ScreenshotAsync(new() { Path = Path.Combine(TestPaths.Artifacts, name + ".png"), FullPage = true });

    public void AssertNoConsoleErrors()
    {
        lock (_errors)
        {
            Assert.True(_errors.Count == 0, "The page must log no console errors, but logged:\n" + string.Join("\n", _errors));
        }
    }

    public async ValueTask DisposeAsync() => await Context.CloseAsync();
}
