using System.Globalization;

namespace Tally.Simulation;

public enum FaultKind
{
    /// <summary>Cut one node from all others.</summary>
    Isolate,
    /// <summary>Cut the links between groups, both ways (a split).</summary>
    Cut,
    /// <summary>Drop everything from the first group to the second (a one-way partition).</summary>
    OneWay,
    /// <summary>Drop messages from the first group to the second with a probability.</summary>
    Drop,
    /// <summary>Crash a node (memory lost, disk kept) and restart it at the end of the window.</summary>
    Crash,
    /// <summary>Crash a node and restart it with a blank disk and the same name (a new replica).</summary>
    LoseDisk,
    /// <summary>A new node joins with a blank disk.</summary>
    Join,
    /// <summary>A node leaves gracefully.</summary>
    Leave,
    /// <summary>A second process starts with the name (and peers) of a node, at its own address with its own disk;
    /// it runs until the heal, or leaves gracefully at the end of its window.</summary>
    Twin,
}

/// <summary>One scripted fault. <see cref="Groups"/> hold node indexes (n1 is 0). Rounds count from the start of the
/// active phase; a window without an end lasts until the heal.</summary>
public sealed record ScheduledFault(FaultKind Kind, IReadOnlyList<IReadOnlyList<int>> Groups, double Probability, int FromRound, int? ToRound)
{
    public int Node => Groups[0][0];

    public override string ToString()
    {
        var nodes = string.Join('|', Groups.Select(g => string.Join(',', g.Select(n => $"n{n + 1}"))));
        var kind = Kind switch
        {
            FaultKind.LoseDisk => "lose",
            FaultKind.OneWay => "oneway",
            _ => Kind.ToString().ToLowerInvariant(),
        };
        var args = Kind switch
        {
            FaultKind.Join => "",
            FaultKind.OneWay => ":" + nodes.Replace('|', '>'),
            FaultKind.Drop => ":" + nodes.Replace('|', '>') + ":" + Probability.ToString(CultureInfo.InvariantCulture),
            _ => ":" + nodes,
        };
        return $"{kind}{args}@{FromRound}{(ToRound is { } to ? $"-{to}" : "")}";
    }
}

/// <summary>A schedule of scripted faults, written as entries separated by <c>;</c>:
/// <c>isolate:n2@5-15</c>, <c>cut:n1,n2|n3,n4,n5@5-15</c> (a split; more groups with more <c>|</c>),
/// <c>oneway:n1>n2,n3@5-15</c>, <c>drop:n1>n2:0.3@5-15</c>, <c>crash:n2@5-9</c>, <c>lose:n2@5-9</c>, <c>join@7</c>,
/// <c>leave:n3@6</c>, <c>twin:n2@4</c> (a second process named n2, which gets the next node number). Rounds count from the start of the active phase; <c>@5</c> alone lasts until the heal.</summary>
public sealed class FaultSchedule(IReadOnlyList<ScheduledFault> faults)
{
    public static FaultSchedule Empty { get; } = new([]);

    public IReadOnlyList<ScheduledFault> Faults => faults;

    public FaultSchedule With(params ScheduledFault[] more) => new([.. faults, .. more]);

    public override string ToString() => string.Join("; ", faults);

    public static FaultSchedule Parse(string? text) => TryParse(text, out var schedule, out var error)
        ? schedule
        : throw new FormatException(error);

    public static bool TryParse(string? text, out FaultSchedule schedule, out string error)
    {
        schedule = Empty;
        error = "";
        var list = new List<ScheduledFault>();
        foreach (var raw in (text ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!TryParseEntry(raw, out var fault, out var why))
            {
                error = $"Invalid fault '{raw}': {why}. Use e.g. isolate:n2@5-15; cut:n1,n2|n3@5-15; oneway:n1>n2@5-15; " +
                    "drop:n1>n2:0.3@5-15; crash:n2@5-9; lose:n2@5-9; join@7; leave:n3@6.";
                return false;
            }
            list.Add(fault);
        }
        schedule = new FaultSchedule(list);
        return true;
    }

    static bool TryParseEntry(string entry, out ScheduledFault fault, out string why)
    {
        fault = null!;
        var at = entry.LastIndexOf('@');
        if (at < 0)
        {
            why = "missing '@round'";
            return false;
        }
        if (!TryRounds(entry[(at + 1)..], out var from, out var to))
        {
            why = "rounds must be '@from' or '@from-to' with 0 <= from < to";
            return false;
        }
        var head = entry[..at];
        var colon = head.IndexOf(':', StringComparison.Ordinal);
        var kindText = colon < 0 ? head : head[..colon];
        var args = colon < 0 ? "" : head[(colon + 1)..];
        FaultKind? kind = kindText.ToLowerInvariant() switch
        {
            "isolate" => FaultKind.Isolate,
            "cut" or "split" or "partition" => FaultKind.Cut,
            "oneway" or "one-way" => FaultKind.OneWay,
            "drop" => FaultKind.Drop,
            "crash" => FaultKind.Crash,
            "lose" or "lose-disk" => FaultKind.LoseDisk,
            "join" => FaultKind.Join,
            "leave" => FaultKind.Leave,
            "twin" => FaultKind.Twin,
            _ => null,
        };
        if (kind is not { } k)
        {
            why = $"unknown kind '{kindText}'";
            return false;
        }
        var probability = 1.0;
        if (k == FaultKind.Drop)
        {
            var last = args.LastIndexOf(':');
            if (last < 0 || !double.TryParse(args[(last + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out probability) ||
                probability is < 0 or > 1)
            {
                why = "drop needs a probability from 0 to 1 after the nodes, e.g. drop:n1>n2:0.3";
                return false;
            }
            args = args[..last];
        }
        var separator = k is FaultKind.OneWay or FaultKind.Drop ? '>' : '|';
        var groups = new List<IReadOnlyList<int>>();
        foreach (var part in args.Split(separator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var group = new List<int>();
            foreach (var name in part.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!TryNode(name, out var node))
                {
                    why = $"'{name}' is not a node name like n1";
                    return false;
                }
                group.Add(node);
            }
            groups.Add(group);
        }
        var (groupsNeeded, single) = k switch
        {
            FaultKind.Join => (0, false),
            FaultKind.Cut or FaultKind.OneWay or FaultKind.Drop => (2, false),
            _ => (1, true),
        };
        if (groupsNeeded == 0 ? groups.Count != 0 : groups.Count < groupsNeeded || (single && (groups.Count != 1 || groups[0].Count != 1)) ||
            (separator == '>' && groups.Count != 2))
        {
            why = k switch
            {
                FaultKind.Join => "join takes no nodes (the new node gets the next name)",
                FaultKind.Cut => "cut needs two or more groups separated by '|'",
                FaultKind.OneWay or FaultKind.Drop => "needs two groups: from>to",
                _ => "needs exactly one node",
            };
            return false;
        }
        if (groups.Count > 0 && groups.SelectMany(g => g).Count() != groups.SelectMany(g => g).Distinct().Count())
        {
            why = "a node appears twice";
            return false;
        }
        fault = new ScheduledFault(k, groups, probability, from, to);
        why = "";
        return true;
    }

    static bool TryRounds(string text, out int from, out int? to)
    {
        to = null;
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (!int.TryParse(dash < 0 ? text : text[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out from))
        {
            return false;
        }
        if (dash < 0)
        {
            return true;
        }
        if (!int.TryParse(text[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var end) || end <= from)
        {
            return false;
        }
        to = end;
        return true;
    }

    static bool TryNode(string name, out int index)
    {
        index = -1;
        if (name.Length < 2 || name[0] != 'n' || !int.TryParse(name.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
        {
            return false;
        }
        index = n - 1;
        return true;
    }

    /// <summary>Errors for nodes that will not exist (<paramref name="nodeCount"/> includes joiners).</summary>
    public IEnumerable<string> Validate(int nodeCount)
    {
        var joins = faults.Count(f => f.Kind is FaultKind.Join or FaultKind.Twin);
        foreach (var fault in faults)
        {
            foreach (var node in fault.Groups.SelectMany(g => g))
            {
                if (node >= nodeCount + joins)
                {
                    yield return $"Fault '{fault}' names n{node + 1}, but the run has {nodeCount + joins} nodes.";
                }
            }
        }
    }
}
