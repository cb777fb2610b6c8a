using System.Diagnostics;

namespace Tally.Deploy.Tests;

/// <summary>Bounded waits on a condition (never a fixed sleep): errors while waiting count as "not yet".</summary>
static class Wait
{
    public static readonly TimeSpan Long = TimeSpan.FromSeconds(120);

    public static async Task UntilAsync(Func<Task<bool>> condition, string what, Func<Task<string>>? diagnostics = null, TimeSpan? timeout = null)
    {
        var limit = timeout ?? Long;
        var clock = Stopwatch.StartNew();
        var last = "";
        while (clock.Elapsed < limit)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException or System.Text.Json.JsonException ||
                                      e is OperationCanceledException && !TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                last = e.Message;
            }
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }
        var detail = diagnostics is null ? "" : await diagnostics();
        Assert.Fail($"Timed out after {limit}: {what}. Last error: {last}\n{detail}");
    }
}
