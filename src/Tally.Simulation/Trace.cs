using System.Globalization;
using Tally.Crdt;
using Tally.Replication;

namespace Tally.Simulation;

/// <summary>A running hash of everything that happens in a run: each delivered message (its time, endpoints and
/// content summary) and each state change. Two runs with one seed have the same hash; the determinism test compares
/// them. <see cref="Writer"/>, when set, also gets one line per record (the <c>--trace</c> file).</summary>
public sealed class Trace
{
    ulong _hash = 0x9e3779b97f4a7c15UL;

    public ulong Hash => _hash;

    public long Records { get; private set; }

    public TextWriter? Writer { get; set; }

    void Mix(ulong value) => _hash = StableHash.Mix(_hash ^ value) + 0x9e3779b97f4a7c15UL;

    public void Message(long time, int from, int to, GossipMessage m)
    {
        Records++;
        Mix((ulong)time);
        Mix((ulong)(uint)from << 32 | (uint)to);
        Mix((ulong)m.Kind | (ulong)m.Sender.Incarnation << 8);
        Mix((ulong)m.Sender.Heartbeat);
        Mix((ulong)m.AckIncarnation ^ (ulong)m.AckVersion << 20);
        Mix(m.HasDelta ? (ulong)m.DeltaBase << 32 ^ (ulong)m.DeltaUpTo : 1);
        Mix((ulong)(m.Delta?.Count ?? -1) << 32 ^ (ulong)(m.Repair?.Count ?? -1));
        Mix((m.DigestRoot ?? 0) ^ (ulong)(m.DigestBuckets?.Length ?? 0) ^ (ulong)m.DigestVersion << 16);
        Mix((ulong)m.Members.Count ^ m.MembersHash);
        Writer?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{time / (double)TimeSpan.TicksPerMillisecond:F3} msg n{from + 1}->n{to + 1} {m.Kind} inc={m.Sender.Incarnation} hb={m.Sender.Heartbeat} ack={m.AckVersion} delta={(m.HasDelta ? $"{m.DeltaBase}..{m.DeltaUpTo}/{m.Delta?.Count ?? 0}" : "-")} repair={m.Repair?.Count.ToString(CultureInfo.InvariantCulture) ?? "-"} digest={(m.DigestBuckets is not null ? "full" : m.DigestRoot is not null ? "root" : "-")} members={m.Members.Count}"));
    }

    public void Event(long time, string what, int node, long value)
    {
        Records++;
        Mix((ulong)time);
        Mix(StableHash.Of(what) ^ (ulong)(uint)node);
        Mix((ulong)value);
        Writer?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{time / (double)TimeSpan.TicksPerMillisecond:F3} {what} n{node + 1} {value}"));
    }
}
