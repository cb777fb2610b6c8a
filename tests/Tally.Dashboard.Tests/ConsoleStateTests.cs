using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Tally.Dashboard.Json;
using Tally.Dashboard.Nodes;
using Tally.Dashboard.State;

namespace Tally.Dashboard.Tests;

/// <summary>The dashboard's own state without a cluster: metrics parsing, the timeline's events, the history's limits,
/// and exact counts on the wire.</summary>
public sealed class ConsoleStateTests
{
    static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    [Fact]
    public void ParseGossip_SumsDirectionsAndMergeTime_FromPrometheusText()
    {
        const string text = """
            # TYPE tally_gossip_messages_total counter
            tally_gossip_messages_total{otel_scope_name="Tally.Node",direction="in"} 10
            tally_gossip_messages_total{otel_scope_name="Tally.Node",direction="out"} 12
            tally_gossip_bytes_total{otel_scope_name="Tally.Node",direction="in"} 1000
            tally_gossip_bytes_total{otel_scope_name="Tally.Node",direction="out"} 2000
            tally_merge_duration_seconds_bucket{otel_scope_name="Tally.Node",le="5"} 4
            tally_merge_duration_seconds_sum{otel_scope_name="Tally.Node"} 0.004
            tally_merge_duration_seconds_count{otel_scope_name="Tally.Node"} 4
            """;
        var before = PrometheusText.ParseGossip(text, Now);
        Assert.Equal((10, 12, 1000, 2000, 4), (before.MessagesIn, before.MessagesOut, before.BytesIn, before.BytesOut, before.Merges));
        var after = before with { At = Now.AddSeconds(2), MessagesIn = 20, MessagesOut = 22, BytesOut = 6000, MergeSeconds = 0.014, Merges = 9 };
        var rates = GossipRates.Between(before, after)!;
        Assert.Equal(10, rates.MessagesPerSecond, 6);
        Assert.Equal(2000, rates.BytesPerSecond, 6);
        Assert.Equal(2, rates.MergeMs!.Value, 6);
        Assert.Null(GossipRates.Between(after, before with { At = Now.AddSeconds(3) }));
    }

    [Fact]
    public void Observe_RecordsCrashRestartPartitionHealAndJoin_NotTheFirstLook()
    {
        var timeline = new Timeline(Options.Create(new DashboardOptions()));
        var watcher = new TimelineWatcher(null!, timeline, Options.Create(new DashboardOptions()), TimeProvider.System);
        static NodeCard C(string key, string status, int starts = 1, bool partitioned = false, string? detail = null, bool conflict = false) =>
            new(key, key, "http://h/" + key, status, detail, status != "down", 1, 1, 0, null, null, "running", partitioned, NameConflict: conflict, Starts: starts);
        static DashboardUpdate U(params NodeCard[] cards) =>
            new(0, "", "supervised", new(true, true, true, true, true), null, cards, [], new Dictionary<string, BigInteger>(), 0, []);

        watcher.Observe(U(C("n1", "alive"), C("n2", "alive")), 1);
        Assert.Empty(timeline.Latest(10));
        watcher.Observe(U(C("n1", "alive", partitioned: true), C("n2", "down", detail: "crashed (killed), exit code 137")), 2);
        watcher.Observe(U(C("n1", "alive"), C("n2", "starting", starts: 2), C("n3", "starting")), 3);
        watcher.Observe(U(C("n1", "alive", conflict: true), C("n2", "alive", starts: 2), C("n3", "alive")), 4);

        var kinds = timeline.Latest(20).Reverse().Select(e => $"{e.At}:{e.Kind}:{e.Node}").ToList();
        Assert.Equal(["2:partitioned:n1", "2:crashed:n2", "3:healed:n1", "3:restarted:n2", "3:joined:n3", "4:name-conflict:n1", "4:up:n2", "4:up:n3"], kinds);
    }

    [Fact]
    public void History_KeepsRetention_AndForgetsStalestVideoBeyondLimit()
    {
        var options = Options.Create(new DashboardOptions { HistoryInterval = TimeSpan.FromSeconds(1), HistoryRetention = TimeSpan.FromSeconds(10), HistoryVideosMax = 2 });
        var history = new CountHistory(options);
        for (var t = 0; t < 30; t++)
        {
            history.Add("c", "a", new(t * 1000L, new Dictionary<string, BigInteger?> { ["n1"] = t, ["n2"] = null }));
        }
        var a = history.Get("c", "a", TimeSpan.FromSeconds(10), DateTimeOffset.FromUnixTimeMilliseconds(29_000));
        Assert.InRange(a.At.Count, 10, 11);
        Assert.Equal(29, a.Nodes["n1"][^1]);
        Assert.Null(a.Nodes["n2"][^1]);
        Assert.Empty(history.Get("other-cluster", "a", TimeSpan.FromSeconds(10), DateTimeOffset.FromUnixTimeMilliseconds(29_000)).At);

        history.Add("c", "b", new(30_000, new Dictionary<string, BigInteger?>()));
        history.Add("c", "c", new(31_000, new Dictionary<string, BigInteger?>()));
        Assert.Empty(history.Get("c", "a", TimeSpan.FromSeconds(10), DateTimeOffset.FromUnixTimeMilliseconds(29_000)).At);
    }

    [Fact]
    public void Counts_TravelAsExactStrings_AndParseFromNumbersOrStrings()
    {
        var huge = BigInteger.Parse("18446744073709551617", System.Globalization.CultureInfo.InvariantCulture); // 2^64 + 1
        var json = JsonSerializer.Serialize(new VideoCount("v", huge), DashboardJson.Options);
        Assert.Equal("""{"videoId":"v","count":"18446744073709551617"}""", json);
        Assert.Equal(huge, NodeJson.Count(JsonNode.Parse("18446744073709551617")));
        Assert.Equal(huge, NodeJson.Count(JsonValue.Create("18446744073709551617")));
        Assert.Throws<JsonException>(() => NodeJson.Count(JsonValue.Create("-1")));
    }
}
