using System.Globalization;

namespace Tally.Simulation;

/// <summary>How long a message takes on a link. <c>5ms</c> is fixed, <c>1-20ms</c> uniform, <c>exp:5ms</c>
/// exponential with that mean (capped at 20 means, so one message cannot stall a run), and <c>2ms+exp:5ms</c> a fixed
/// floor plus an exponential tail. Units: <c>us</c>, <c>ms</c>, <c>s</c>.</summary>
public sealed record LatencyModel(TimeSpan Floor, TimeSpan Spread, LatencyShape Shape)
{
    public static LatencyModel Default { get; } = new(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(9), LatencyShape.Uniform);

    public static LatencyModel Fixed(TimeSpan latency) => new(latency, TimeSpan.Zero, LatencyShape.Uniform);

    /// <summary>The largest latency this model can produce.</summary>
    public TimeSpan Max => Shape == LatencyShape.Exponential ? Floor + Spread * 20 : Floor + Spread;

    public long SampleTicks(Random random) => Shape switch
    {
        _ when Spread == TimeSpan.Zero => Floor.Ticks,
        LatencyShape.Uniform => Floor.Ticks + (long)(random.NextDouble() * Spread.Ticks),
        _ => Floor.Ticks + (long)(Math.Min(20, -Math.Log(1 - random.NextDouble())) * Spread.Ticks),
    };

    public override string ToString() => Shape == LatencyShape.Exponential
        ? Floor == TimeSpan.Zero ? $"exp:{Format(Spread)}" : $"{Format(Floor)}+exp:{Format(Spread)}"
        : Spread == TimeSpan.Zero ? Format(Floor) : $"{Format(Floor)}-{Format(Floor + Spread)}";

    public static LatencyModel Parse(string text) => TryParse(text, out var model, out var error)
        ? model
        : throw new FormatException(error);

    public static bool TryParse(string? text, out LatencyModel model, out string error)
    {
        model = Default;
        error = $"Invalid latency '{text}': use 5ms (fixed), 1-20ms (uniform), exp:5ms (exponential mean) or 2ms+exp:5ms.";
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        var s = text.Trim();
        var floor = TimeSpan.Zero;
        var plus = s.IndexOf('+', StringComparison.Ordinal);
        if (plus >= 0)
        {
            if (!TryDuration(s[..plus], out floor))
            {
                return false;
            }
            s = s[(plus + 1)..];
            if (!s.StartsWith("exp:", StringComparison.Ordinal))
            {
                return false;
            }
        }
        if (s.StartsWith("exp:", StringComparison.Ordinal))
        {
            if (!TryDuration(s[4..], out var mean) || mean <= TimeSpan.Zero)
            {
                return false;
            }
            model = new(floor, mean, LatencyShape.Exponential);
            return true;
        }
        var dash = s.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0)
        {
            var unit = UnitOf(s);
            var low = s[..dash];
            if (!TryDuration(char.IsDigit(low[^1]) ? low + unit : low, out var min) || !TryDuration(s[(dash + 1)..], out var max) || max < min)
            {
                return false;
            }
            model = new(min, max - min, LatencyShape.Uniform);
            return true;
        }
        if (!TryDuration(s, out var fixedLatency))
        {
            return false;
        }
        model = Fixed(fixedLatency);
        return true;
    }

    static string UnitOf(string s)
    {
        var i = s.Length;
        while (i > 0 && char.IsLetter(s[i - 1]))
        {
            i--;
        }
        return s[i..];
    }

    /// <summary>Parses <c>250us</c>, <c>5ms</c>, <c>1.5s</c>; a bare number means milliseconds.</summary>
    public static bool TryDuration(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var unit = UnitOf(text.Trim());
        var number = text.Trim()[..^unit.Length];
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0 || value > 3.6e6)
        {
            return false;
        }
        double? ms = unit switch
        {
            "us" => value / 1000,
            "ms" or "" => value,
            "s" => value * 1000,
            _ => null,
        };
        if (ms is null)
        {
            return false;
        }
        duration = TimeSpan.FromTicks((long)Math.Round(ms.Value * TimeSpan.TicksPerMillisecond));
        return true;
    }

    static string Format(TimeSpan t) => t.Ticks % TimeSpan.TicksPerMillisecond == 0
        ? $"{t.Ticks / TimeSpan.TicksPerMillisecond}ms"
        : $"{(t.Ticks / 10.0).ToString(CultureInfo.InvariantCulture)}us";
}

public enum LatencyShape
{
    Uniform,
    Exponential,
}
