using System.Diagnostics;
using Tally.Crdt;

namespace Tally.Simulation;

/// <summary>One run from <see cref="SimulationOptions"/>: warm-up, an active phase of views and faults, the heal,
/// then gossip until every up node counts exactly the acknowledged views (or the budget runs out).</summary>
public static class Simulator
{
    public static SimulationResult Run(SimulationOptions options, TextWriter? trace = null)
    {
        var wall = Stopwatch.StartNew();
        var cluster = new Cluster(options);
        cluster.Trace.Writer = trace;
        for (var i = 0; i < options.Nodes; i++)
        {
            cluster.AddNode();
        }
        var interval = cluster.IntervalTicks;
        var active = options.EffectiveWarmupRounds * interval;
        var heal = active + options.Rounds * interval;
        var deadline = heal + options.ConvergeRoundsMax * interval;
        var faults = new Random(Cluster.Derive(options.Seed, 5));

        if (options.Sample)
        {
            for (var t = 0L; t <= deadline; t += interval)
            {
                cluster.At(t, cluster.Sample);
            }
        }
        ScheduleViews(cluster, options, active, heal);
        ScheduleRaises(cluster, options, active, heal);
        FaultInjector.ScheduleScripted(cluster, options.Schedule, active, heal);
        FaultInjector.ScheduleRandom(cluster, options, faults, active, heal);
        cluster.At(heal, () => FaultInjector.Heal(cluster));

        cluster.RunUntil(heal);
        if (cluster.Checkers.First is null)
        {
            cluster.RunUntil(deadline, () => cluster.Checkers.Converged && !cluster.Nodes.Any(n => n.Status == NodeStatus.Up && n.OwnBatch is not null) &&
                cluster.ClusterIdsAgree);
        }
        var converged = cluster.Checkers.First is null && cluster.Checkers.Converged;
        if (converged)
        {
            cluster.Sample();
            if (!SameStates(cluster))
            {
                cluster.Checkers.Report("equal", "every up node counts the acknowledged views, but their entries differ");
                converged = false;
            }
            else if (!cluster.ClusterIdsAgree)
            {
                cluster.Checkers.Report("cluster", "the healed nodes do not agree on one cluster id: " +
                    string.Join(", ", cluster.Nodes.Where(n => n.Status == NodeStatus.Up).Select(n => $"{n.Address}={n.Replica!.Cluster.Id}")));
                converged = false;
            }
        }
        var elapsed = cluster.Time.Now - heal;
        var live = cluster.Nodes.Where(n => n.Status == NodeStatus.Up).Select(n => cluster.TotalCount(n.Index)).DefaultIfEmpty(UInt128.Zero).ToList();
        return new SimulationResult
        {
            Seed = options.Seed,
            Swarm = options.Swarm,
            Nodes = options.Nodes,
            Converged = converged,
            Violation = cluster.Checkers.First,
            Rounds = (int)Math.Ceiling(Math.Max(0, elapsed) / (double)interval),
            SimulatedMs = Math.Max(0, elapsed) / (double)TimeSpan.TicksPerMillisecond,
            TotalSimulatedMs = cluster.Time.Elapsed.TotalMilliseconds,
            Messages = cluster.Stats.MessagesSent,
            Delivered = cluster.Stats.MessagesDelivered,
            Bytes = cluster.Stats.BytesSent,
            Acknowledged = cluster.AcknowledgedTotal,
            Destroyed = cluster.Checkers.Destroyed,
            FinalMin = live.Min(),
            FinalMax = live.Max(),
            TraceHash = cluster.Trace.Hash,
            Events = cluster.Events,
            WallTime = wall.Elapsed,
            Stats = cluster.Stats,
            Series = cluster.Series,
        };
    }

    /// <summary>Healed replicas end equal: every up node holds the same entries, not just the same sums (compared by
    /// digest root, a hash of every entry, so a 1,000-node check does not build a million counters).</summary>
    static bool SameStates(Cluster cluster)
    {
        var roots = cluster.Nodes.Where(n => n.Status == NodeStatus.Up).Select(n => n.Replica!.State.Digest(64).Root).ToList();
        return roots.All(r => r == roots[0]);
    }

    /// <summary>Operator raises at random times of the active phase, each to <see cref="GCounter.SetMax"/> minus up to
    /// twice the views, so that some fit under the limit (which counts the other nodes' views) and some are refused,
    /// from a random source of their own, so adding raises does not change any other draw of the seed.</summary>
    static void ScheduleRaises(Cluster cluster, SimulationOptions options, long active, long heal)
    {
        var r = new Random(Cluster.Derive(options.Seed, 8));
        for (var i = 0; i < options.Raises; i++)
        {
            var (when, node, video, total) = (active + (long)(r.NextDouble() * (heal - active)), r.Next(options.Nodes),
                r.Next(options.Videos), GCounter.SetMax - (ulong)r.NextInt64(2 * options.Views + 1));
            cluster.At(when, () => cluster.Raise(node, video, total));
        }
    }

    /// <summary>Views spread evenly (with jitter) over the active phase, or all at its start when it has no rounds.</summary>
    static void ScheduleViews(Cluster cluster, SimulationOptions options, long active, long heal)
    {
        if (options.Views == 0)
        {
            return;
        }
        if (heal == active)
        {
            cluster.At(active, () =>
            {
                for (var i = 0L; i < options.Views; i++)
                {
                    cluster.ClientView();
                }
            });
            return;
        }
        var jitter = new Random(Cluster.Derive(options.Seed, 6));
        var step = (heal - active) / (double)options.Views;
        var sent = 0L;
        Action next = null!;
        next = () =>
        {
            cluster.ClientView();
            if (++sent < options.Views)
            {
                cluster.At(active + (long)((sent + jitter.NextDouble()) * step), next);
            }
        };
        cluster.At(active + (long)(jitter.NextDouble() * step), next);
    }
}
