namespace Tally.Simulation;

/// <summary>Turns a <see cref="FaultSchedule"/> and the random fault rates of <see cref="SimulationOptions"/> into
/// scheduled events, and heals everything at the end of the active phase.</summary>
static class FaultInjector
{
    public static void ScheduleScripted(Cluster cluster, FaultSchedule schedule, long active, long heal)
    {
        var interval = cluster.IntervalTicks;
        foreach (var fault in schedule.Faults)
        {
            var start = Math.Min(heal, active + fault.FromRound * interval);
            var end = fault.ToRound is { } to ? Math.Min(heal, active + to * interval) : heal;
            var net = cluster.Network;
            switch (fault.Kind)
            {
                case FaultKind.Isolate or FaultKind.Cut or FaultKind.OneWay or FaultKind.Drop:
                    var handles = new List<LinkFault>();
                    cluster.At(start, () => handles.AddRange(Open(net, fault)));
                    cluster.At(end, () => handles.ForEach(net.Heal));
                    break;
                case FaultKind.Crash or FaultKind.LoseDisk:
                    cluster.At(start, () => cluster.Crash(fault.Node));
                    cluster.At(end, () => cluster.Restart(fault.Node, loseDisk: fault.Kind == FaultKind.LoseDisk));
                    break;
                case FaultKind.Join:
                    cluster.At(start, () => cluster.Join());
                    break;
                case FaultKind.Leave:
                    cluster.At(start, () => cluster.Leave(fault.Node));
                    break;
                case FaultKind.Twin:
                    var twin = -1;
                    cluster.At(start, () => twin = cluster.Twin(fault.Node).Index);
                    if (fault.ToRound is not null)
                    {
                        cluster.At(end, () => cluster.Leave(twin));
                    }
                    break;
            }
        }
    }

    static IEnumerable<LinkFault> Open(SimulatedNetwork net, ScheduledFault fault)
    {
        switch (fault.Kind)
        {
            case FaultKind.Isolate:
                yield return net.Isolate(fault.Node);
                break;
            case FaultKind.OneWay or FaultKind.Drop:
                yield return net.Drop(fault.Groups[0], fault.Groups[1], fault.Probability);
                break;
            default:
                for (var i = 0; i < fault.Groups.Count; i++)
                {
                    for (var j = i + 1; j < fault.Groups.Count; j++)
                    {
                        yield return net.Cut(fault.Groups[i], fault.Groups[j]);
                    }
                }
                break;
        }
    }

    /// <summary>Random crashes (each round, each up node, with <see cref="SimulationOptions.CrashRate"/>), joins and
    /// leaves at random times of the active phase.</summary>
    public static void ScheduleRandom(Cluster cluster, SimulationOptions options, Random random, long active, long heal)
    {
        var interval = cluster.IntervalTicks;
        if (options.CrashRate > 0)
        {
            for (var round = 0; round < options.Rounds; round++)
            {
                cluster.At(active + round * interval + (long)(random.NextDouble() * interval), () => CrashSome(cluster, options, random, heal));
            }
        }
        for (var i = 0; i < options.Joins; i++)
        {
            cluster.At(active + (long)(random.NextDouble() * (heal - active)), () => cluster.Join());
        }
        for (var i = 0; i < options.Twins; i++)
        {
            cluster.At(active + (long)(random.NextDouble() * (heal - active)), () => TwinOne(cluster, random));
        }
        for (var i = 0; i < options.Leaves; i++)
        {
            cluster.At(active + (long)(random.NextDouble() * (heal - active)), () => LeaveOne(cluster, random));
        }
    }

    static void CrashSome(Cluster cluster, SimulationOptions options, Random random, long heal)
    {
        foreach (var node in cluster.Nodes.ToList())
        {
            if (node.Status != NodeStatus.Up || node.LeaveRequested || random.NextDouble() >= options.CrashRate)
            {
                continue;
            }
            node.LoseDiskOnRestart = random.NextDouble() < options.DiskLossRate;
            var restart = cluster.Time.Now + random.Next(1, options.DowntimeRoundsMax + 1) * cluster.IntervalTicks;
            cluster.Crash(node.Index);
            if (restart < heal)
            {
                cluster.At(restart, () => RestartDrawn(cluster, node));
            }
        }
    }

    /// <summary>A second process with the name of a running node.</summary>
    static void TwinOne(Cluster cluster, Random random)
    {
        var running = cluster.Nodes.Where(n => n.Status == NodeStatus.Up && !n.LeaveRequested).ToList();
        if (running.Count > 0)
        {
            cluster.Twin(running[random.Next(running.Count)].Index);
        }
    }

    static void LeaveOne(Cluster cluster, Random random)
    {
        var staying = cluster.Nodes.Where(n => n.Status != NodeStatus.Left && !n.LeaveRequested).ToList();
        if (staying.Count > 2)
        {
            cluster.Leave(staying[random.Next(staying.Count)].Index);
        }
    }

    /// <summary>Restarts a node crashed at random, with a blank disk if one was drawn, whatever its peers hold: the
    /// new disk is a new replica, so no loss is unsafe for what the cluster still holds.</summary>
    static void RestartDrawn(Cluster cluster, SimNode node)
    {
        if (node.Status != NodeStatus.Down)
        {
            return;
        }
        var lose = node.LoseDiskOnRestart;
        node.LoseDiskOnRestart = false;
        cluster.Restart(node.Index, lose);
    }

    /// <summary>The end of the active phase: partitions heal, crashed nodes restart, and convergence is tracked.</summary>
    public static void Heal(Cluster cluster)
    {
        cluster.Network.Heal();
        foreach (var node in cluster.Nodes)
        {
            RestartDrawn(cluster, node);
        }
        cluster.ArmConvergence();
    }
}
