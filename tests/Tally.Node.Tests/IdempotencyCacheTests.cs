using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Tally.Crdt;
using Tally.Replication;

namespace Tally.Node.Tests;

/// <summary>Every branch of <see cref="IdempotencyCache"/>, driven directly with a fake clock.</summary>
public sealed class IdempotencyCacheTests
{
    static readonly VideoId Video = VideoId.Parse("v1");

    readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-30T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    int _submitted;

    IdempotencyCache Cache(int keysMax = 100, int windowSeconds = 600) => new(Options.Create(new NodeOptions
    {
        IdempotencyKeysMax = keysMax,
        IdempotencyWindow = TimeSpan.FromSeconds(windowSeconds),
    }), _time);

    static HttpRequest Request(params string[] keys)
    {
        var context = new DefaultHttpContext();
        if (keys.Length > 0)
        {
            context.Request.Headers[IdempotencyCache.HeaderName] = keys;
        }
        return context.Request;
    }

    /// <summary>Submits like the recorder: counts the submission and completes the request with <paramref name="status"/>.</summary>
    Func<PendingView, PendingView> Submit(ViewStatus status = ViewStatus.Pending, bool complete = true) => view =>
    {
        _submitted++;
        if (status != ViewStatus.Pending)
        {
            view.Fail(status);
        }
        if (complete)
        {
            view.Total = 7;
            view.Complete();
        }
        return view;
    };

    static PendingView NewView() => PendingView.Add(Video, 1);

    /// <summary>A distinct fingerprint per request text (the cache only compares them).</summary>
    static UInt128 F(string request) => Fingerprints.Of(ViewRequest.Batch([new ViewItem(VideoId.Parse("f"), (ulong)(uint)request.GetHashCode(StringComparison.Ordinal))]));

    [Fact]
    public void Admit_SubmitsEveryRequest_WithoutKey()
    {
        var cache = Cache();
        cache.Admit(Request(), F("views v1 1"), NewView(), Submit());
        var second = cache.Admit(Request(), F("views v1 1"), NewView(), Submit());

        Assert.Equal(2, _submitted);
        Assert.False(second.Replayed, "a request without a key is never a replay");
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Admit_ReturnsFirstRequest_WhenRetriedAfterItFinished()
    {
        var cache = Cache();
        var first = cache.Admit(Request("k"), F("views v1 1"), NewView(), Submit());
        Assert.True(first.View!.Completion.IsCompleted, "the first try has finished before the retry");
        var retry = cache.Admit(Request("k"), F("views v1 1"), NewView(), Submit());

        Assert.Equal(1, _submitted);
        Assert.True(retry.Replayed);
        Assert.Same(first.View, retry.View);
        Assert.Equal("k", first.View!.Key!.Key);
        Assert.Equal(_time.GetUtcNow().ToUnixTimeMilliseconds(), first.View.Key.AcceptedUnixMs);
    }

    [Fact]
    public async Task Admit_ReturnsFirstRequest_WhenRetriedWhileItRuns()
    {
        var cache = Cache();
        var first = cache.Admit(Request("k"), F("views v1 1"), NewView(), Submit(complete: false));
        var retry = cache.Admit(Request("k"), F("views v1 1"), NewView(), Submit());

        Assert.Equal(1, _submitted);
        Assert.Same(first.View, retry.View);
        Assert.False(retry.View!.Completion.IsCompleted, "the retry waits for the first try");
        first.View!.Complete();
        await retry.View.Completion;
    }

    [Theory]
    [InlineData("views v1 2")]
    [InlineData("views v2 1")]
    [InlineData("batch v1=1")]
    public void Admit_Answers422_WhenKeyIsReusedForAnotherRequest(string other)
    {
        var cache = Cache();
        cache.Admit(Request("k"), F("views v1 1"), NewView(), Submit());
        var reused = cache.Admit(Request("k"), F(other), NewView(), Submit());

        Assert.Equal(1, _submitted);
        Assert.Null(reused.View);
        Assert.Equal(StatusCodes.Status422UnprocessableEntity, reused.Problem!.StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("ключ")]
    [InlineData("tab\tkey")]
    public void Admit_Answers400_ForMalformedKey(string key)
    {
        var answer = Cache().Admit(Request(key), F("views v1 1"), NewView(), Submit());

        Assert.Equal(StatusCodes.Status400BadRequest, answer.Problem!.StatusCode);
        Assert.Equal(0, _submitted);
    }

    [Fact]
    public void Admit_Answers400_ForKeyOfMoreThan255Characters_OrTwoKeys()
    {
        var cache = Cache();
        Assert.Equal(400, cache.Admit(Request(new string('k', 256)), F("x"), NewView(), Submit()).Problem!.StatusCode);
        Assert.Equal(400, cache.Admit(Request("a", "b"), F("x"), NewView(), Submit()).Problem!.StatusCode);
        Assert.Null(cache.Admit(Request(new string('k', 255)), F("x"), NewView(), Submit()).Problem);
        Assert.Equal(1, _submitted);
    }

    [Theory]
    [InlineData(nameof(ViewStatus.NotReady))]
    [InlineData(nameof(ViewStatus.Leaving))]
    [InlineData(nameof(ViewStatus.Busy))]
    [InlineData(nameof(ViewStatus.StorageFailed))]
    [InlineData(nameof(ViewStatus.ShuttingDown))]
    public async Task Admit_ProcessesRetry_WhenFirstTryWasRefused(string status)
    {
        var refusal = Enum.Parse<ViewStatus>(status);
        var cache = Cache();
        var first = cache.Admit(Request("k"), F("views v1 1"), NewView(), Submit(refusal));
        await first.View!.Completion;
        var retry = cache.Admit(Request("k"), F("views v1 1"), NewView(), Submit());

        Assert.Equal(2, _submitted);
        Assert.False(retry.Replayed, "the retry of a refused request is a new request");
        Assert.Equal(ViewStatus.Ok, retry.View!.Status);
    }

    [Theory]
    [InlineData(nameof(ViewStatus.Ok))]
    [InlineData(nameof(ViewStatus.Overflow))]
    [InlineData(nameof(ViewStatus.Regression))]
    public async Task Admit_RemembersAnswer_WhenFirstTryWasDecided(string status)
    {
        var outcome = Enum.Parse<ViewStatus>(status);
        var cache = Cache();
        var first = cache.Admit(Request("k"), F("views v1 1"), NewView(), Submit(outcome));
        await first.View!.Completion;
        var retry = cache.Admit(Request("k"), F("views v1 1"), NewView(), Submit());

        Assert.Equal(1, _submitted);
        Assert.Same(first.View, retry.View);
    }

    [Fact]
    public void Admit_ForgetsKey_AfterWindow()
    {
        var cache = Cache(windowSeconds: 60);
        cache.Admit(Request("k"), F("views v1 1"), NewView(), Submit());
        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.True(cache.Admit(Request("k"), F("views v1 1"), NewView(), Submit()).Replayed, "inside the window");
        _time.Advance(TimeSpan.FromSeconds(1));
        var late = cache.Admit(Request("k"), F("views v1 1"), NewView(), Submit());

        Assert.False(late.Replayed, "a retry after the window is a new request");
        Assert.Equal(2, _submitted);
    }

    [Fact]
    public void Admit_ForgetsOldestKeys_BeyondKeysMax()
    {
        var cache = Cache(keysMax: 3);
        foreach (var key in new[] { "a", "b", "c", "d" })
        {
            cache.Admit(Request(key), F("views v1 1"), NewView(), Submit());
        }

        Assert.False(cache.Admit(Request("a"), F("views v1 1"), NewView(), Submit()).Replayed, "the oldest key is forgotten");
        Assert.True(cache.Admit(Request("d"), F("views v1 1"), NewView(), Submit()).Replayed, "the newest key is kept");
        Assert.True(cache.Count <= 3, $"at most 3 keys are kept; {cache.Count} are");
    }

    [Fact]
    public void Admit_RemembersNothing_WhenDisabled()
    {
        var cache = Cache(keysMax: 0);
        cache.Admit(Request("k"), F("views v1 1"), NewView(), Submit());
        var retry = cache.Admit(Request("k"), F("views v1 1"), NewView(), Submit());

        Assert.False(retry.Replayed);
        Assert.Equal(2, _submitted);
        Assert.Null(retry.View!.Key);
    }

    [Fact]
    public void Restore_AnswersRetriesWithStoredTotals_InsideWindowOnly()
    {
        var cache = Cache(windowSeconds: 60);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        cache.Restore([
            new IdempotencyRecord("old", F("views v1 1"), now - 60_000, [3]),
            new IdempotencyRecord("fresh", F("batch a=1,b=2"), now - 59_000, [4, 9]),
        ]);

        var fresh = cache.Admit(Request("fresh"), F("batch a=1,b=2"), PendingView.Batch([]), Submit());
        var old = cache.Admit(Request("old"), F("views v1 1"), NewView(), Submit());
        var other = cache.Admit(Request("fresh"), F("batch a=1,b=3"), PendingView.Batch([]), Submit());

        Assert.True(fresh.Replayed, "a restored key inside the window answers its retry");
        Assert.Equal([4UL, 9UL], fresh.View!.Totals!);
        Assert.Equal(ViewStatus.Ok, fresh.View.Status);
        Assert.False(old.Replayed, "a restored key past the window is forgotten");
        Assert.Equal(422, other.Problem!.StatusCode);
        Assert.Equal(1, _submitted);
    }

    [Fact]
    public void Retention_KeepsWindowAndKeysMax()
    {
        var cache = Cache(keysMax: 2, windowSeconds: 60);
        var retention = cache.Retention;
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();

        Assert.Equal(now - 60_000, retention.NotBeforeUnixMs);
        Assert.Equal(2, retention.CountMax);
        var kept = retention.Apply([
            new IdempotencyRecord("expired", 1, now - 60_001, [1]),
            new IdempotencyRecord("a", 1, now - 3, [1]),
            new IdempotencyRecord("b", 1, now - 2, [1]),
            new IdempotencyRecord("c", 1, now - 1, [1]),
        ]);
        Assert.Equal(["b", "c"], kept.Select(k => k.Key));
        Assert.Empty(Cache(keysMax: 0).Retention.Apply([new IdempotencyRecord("a", 1, now, [1])]));
    }
}
