using static Microsoft.Playwright.Assertions;

namespace Tally.Dashboard.Tests;

/// <summary>The form's write level against a real 3-node <c>tally up</c> cluster in headless Chromium: a 200 names the
/// replicas that acknowledged, a 504 is shown as counted locally and not yet confirmed.</summary>
public sealed class LevelBrowserTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    [Fact]
    public async Task Form_WriteLevel_ShowsTheReplicasThatAcknowledged_AndA504AsCountedLocally()
    {
        await using var s = await DashboardSession.OpenAsync(fixture);
        var video = DashboardSession.NewVideo("level");
        await s.SelectVideoAsync(video);

        await s.Page.SelectOptionAsync("#send-level", "majority");
        var reply = await s.SendViewsAsync("n1", video, 3);
        Assert.Matches(@"acknowledged by [23] replicas \(w=majority\): n1~", reply);
        await s.ExpectLiveCardsAtAsync(3, DashboardSession.ConvergeMs);

        // With n3 cut off, w=all cannot be met: the node answers 504 and the page says the views are counted on n1.
        await s.ControlAsync("n3", "partition");
        await s.ExpectStatusAsync("n3", "partitioned", DashboardSession.ControlMs);
        await s.Page.SelectOptionAsync("#send-level", "all");
        await s.Page.FillAsync("#send-amount", "4");
        await s.Page.ClickAsync("#send-submit");
        var result = s.Page.Locator("#send-result");
        await Expect(result).ToContainTextAsync("Counted locally, not yet confirmed", new() { Timeout = DashboardSession.ControlMs });
        await Expect(result).ToHaveClassAsync("result warning");
        await Expect(result).ToContainTextAsync("2 of the 3 replicas w=all needs");
        await s.ControlAsync("n3", "heal");
        await s.ExpectLiveCardsAtAsync(7, DashboardSession.ConvergeMs); // the unconfirmed views were counted
        s.AssertNoConsoleErrors(expected: "status of 504"); // the w=all answer, handled by the page
    }
}
