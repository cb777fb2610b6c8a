using System.Globalization;
using System.Text;

namespace Tally.Simulation.Report;

/// <summary>A self-contained SVG line chart of convergence: the smallest, mean and largest count over the nodes that are
/// up, against the acknowledged views, over simulated time, with the heal and the convergence marked.</summary>
public static class SvgPlot
{
    const int Width = 900;
    const int Height = 480;
    const int Left = 80;
    const int Right = 20;
    const int Top = 40;
    const int Bottom = 50;

    public static string Render(CountSeries series, string title, double? healMs, double? convergedMs)
    {
        var times = series.TimesMs;
        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">\n"));
        svg.Append(Invariant($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n"));
        svg.Append(Invariant($"<text x=\"{Width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">{Escape(title)}</text>\n"));
        if (times.Count == 0)
        {
            return svg.Append("</svg>\n").ToString();
        }
        var xMax = Math.Max(times[^1], 1);
        var yMax = (double)UInt128.Max(1, UInt128.Max(series.Acknowledged.Max(), series.Counts.SelectMany(c => c).Where(c => c != CountSeries.NotUp).DefaultIfEmpty(UInt128.Zero).Max()));
        double X(double t) => Left + t / xMax * (Width - Left - Right);
        double Y(double v) => Height - Bottom - v / yMax * (Height - Top - Bottom);

        Axes(svg, xMax, yMax, X, Y);
        var min = new List<(double, double)>();
        var mean = new List<(double, double)>();
        var max = new List<(double, double)>();
        for (var s = 0; s < times.Count; s++)
        {
            var up = series.Counts[s].Where(c => c != CountSeries.NotUp).ToList();
            if (up.Count == 0)
            {
                continue;
            }
            min.Add((X(times[s]), Y((double)up.Min())));
            mean.Add((X(times[s]), Y(up.Average(c => (double)c))));
            max.Add((X(times[s]), Y((double)up.Max())));
        }
        var band = max.Concat(Enumerable.Reverse(min)).Select(p => Invariant($"{p.Item1:0.#},{p.Item2:0.#}"));
        svg.Append(Invariant($"<polygon points=\"{string.Join(' ', band)}\" fill=\"#4c78a8\" fill-opacity=\"0.2\" stroke=\"none\"/>\n"));
        Line(svg, series.Acknowledged.Select((a, s) => (X(times[s]), Y(a))), "#e45756", "6 4");
        Line(svg, min, "#4c78a8", null);
        Line(svg, mean, "#1f3b73", null);
        Line(svg, max, "#72b7b2", null);
        Marker(svg, healMs, "heal", X);
        Marker(svg, convergedMs, "converged", X);
        Legend(svg);
        return svg.Append("</svg>\n").ToString();
    }

    static void Axes(StringBuilder svg, double xMax, double yMax, Func<double, double> x, Func<double, double> y)
    {
        svg.Append(Invariant($"<line x1=\"{Left}\" y1=\"{Height - Bottom}\" x2=\"{Width - Right}\" y2=\"{Height - Bottom}\" stroke=\"black\"/>\n"));
        svg.Append(Invariant($"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Height - Bottom}\" stroke=\"black\"/>\n"));
        var xStep = NiceStep(xMax / 1000) * 1000;
        for (var t = 0.0; t <= xMax + 1e-9; t += xStep)
        {
            svg.Append(Invariant($"<text x=\"{x(t):0.#}\" y=\"{Height - Bottom + 18}\" text-anchor=\"middle\">{t / 1000:0.###} s</text>\n"));
        }
        var yStep = Math.Max(1, NiceStep(yMax));
        for (var v = 0.0; v <= yMax + 1e-9; v += yStep)
        {
            svg.Append(Invariant($"<text x=\"{Left - 6}\" y=\"{y(v) + 4:0.#}\" text-anchor=\"end\">{v:0.###}</text>\n"));
            svg.Append(Invariant($"<line x1=\"{Left}\" y1=\"{y(v):0.#}\" x2=\"{Width - Right}\" y2=\"{y(v):0.#}\" stroke=\"#eee\"/>\n"));
        }
        svg.Append(Invariant($"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 12}\" text-anchor=\"middle\">simulated time</text>\n"));
        svg.Append(Invariant($"<text x=\"16\" y=\"{(Top + Height - Bottom) / 2}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {(Top + Height - Bottom) / 2})\">views counted (sum over videos)</text>\n"));
    }

    /// <summary>A step of 1, 2 or 5 times a power of ten that cuts <paramref name="range"/> into 4 to 10 parts.</summary>
    static double NiceStep(double range)
    {
        if (range <= 0)
        {
            return 1;
        }
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(range / 5)));
        var fraction = range / 5 / magnitude;
        return (fraction < 1.5 ? 1 : fraction < 3.5 ? 2 : 5) * magnitude;
    }

    static void Line(StringBuilder svg, IEnumerable<(double X, double Y)> points, string color, string? dash)
    {
        var list = string.Join(' ', points.Select(p => Invariant($"{p.X:0.#},{p.Y:0.#}")));
        var dashes = dash is null ? "" : $" stroke-dasharray=\"{dash}\"";
        svg.Append(Invariant($"<polyline points=\"{list}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"1.5\"{dashes}/>\n"));
    }

    static void Marker(StringBuilder svg, double? ms, string label, Func<double, double> x)
    {
        if (ms is not { } t)
        {
            return;
        }
        var nearRight = x(t) > Width - Right - 90;
        svg.Append(Invariant($"<line x1=\"{x(t):0.#}\" y1=\"{Top}\" x2=\"{x(t):0.#}\" y2=\"{Height - Bottom}\" stroke=\"#888\" stroke-dasharray=\"2 3\"/>\n"));
        svg.Append(Invariant($"<text x=\"{x(t) + (nearRight ? -4 : 4):0.#}\" y=\"{Top + (label == "heal" ? 12 : 26)}\" fill=\"#555\" text-anchor=\"{(nearRight ? "end" : "start")}\">{label}</text>\n"));
    }

    static void Legend(StringBuilder svg)
    {
        (string Label, string Color)[] items = [("acknowledged", "#e45756"), ("max over up nodes", "#72b7b2"), ("mean", "#1f3b73"), ("min", "#4c78a8")];
        for (var i = 0; i < items.Length; i++)
        {
            var y = Top + 12 + i * 16;
            svg.Append(Invariant($"<line x1=\"{Left + 12}\" y1=\"{y}\" x2=\"{Left + 32}\" y2=\"{y}\" stroke=\"{items[i].Color}\" stroke-width=\"2\"/>\n"));
            svg.Append(Invariant($"<text x=\"{Left + 38}\" y=\"{y + 4}\">{items[i].Label}</text>\n"));
        }
    }

    static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
