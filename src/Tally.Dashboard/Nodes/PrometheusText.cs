using System.Globalization;

namespace Tally.Dashboard.Nodes;

/// <summary>Reads the gossip counters out of a node's <c>/metrics</c> (Prometheus text format, as the OpenTelemetry
/// exporter writes it): <c>tally_gossip_messages_total</c> and <c>tally_gossip_bytes*_total</c> by direction, and the
/// sum and count of <c>tally_merge_duration_seconds</c>. Series the node has not written yet count as 0.</summary>
static class PrometheusText
{
    public static GossipCounters ParseGossip(string text, DateTimeOffset at)
    {
        double messagesIn = 0, messagesOut = 0, bytesIn = 0, bytesOut = 0, mergeSum = 0, merges = 0;
        foreach (var raw in text.AsSpan().EnumerateLines())
        {
            var line = raw.Trim();
            if (line.IsEmpty || line[0] == '#')
            {
                continue;
            }
            var nameEnd = line.IndexOfAny('{', ' ');
            if (nameEnd <= 0)
            {
                continue;
            }
            var name = line[..nameEnd];
            var labelsEnd = line[nameEnd] == '{' ? line.IndexOf('}') : nameEnd - 1;
            if (labelsEnd < 0)
            {
                continue;
            }
            var labels = line[nameEnd..(labelsEnd + 1)];
            var rest = line[(labelsEnd + 1)..].Trim();
            var space = rest.IndexOf(' ');
            if (!double.TryParse(space < 0 ? rest : rest[..space], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                continue;
            }
            var inbound = labels.Contains("direction=\"in\"", StringComparison.Ordinal);
            if (name.SequenceEqual("tally_gossip_messages_total"))
            {
                _ = inbound ? messagesIn += value : messagesOut += value;
            }
            else if (name.StartsWith("tally_gossip_bytes") && name.EndsWith("_total"))
            {
                _ = inbound ? bytesIn += value : bytesOut += value;
            }
            else if (name.SequenceEqual("tally_merge_duration_seconds_sum"))
            {
                mergeSum += value;
            }
            else if (name.SequenceEqual("tally_merge_duration_seconds_count"))
            {
                merges += value;
            }
        }
        return new(at, messagesIn, messagesOut, bytesIn, bytesOut, mergeSum, merges);
    }
}
