using System.Globalization;
using NetSim.Reporting.Records;

namespace NetSim.Reporting.Html;

/// <summary>
/// The packet walk of one request/response as a swimlane waterfall: a lane per node (and one for the wire), time
/// left to right, each hop a bar where it ran for as long as it took (CPU, queueing or wire time), coloured by
/// the kind of element; the time between hops is waiting (interrupt moderation, wake-ups, timers).
/// </summary>
public static class WalkDiagram
{
    private const double LaneHeight = 34, Left = 70, Right = 16, Top = 40, Width = 660;

    public static string Draw(string datapath, IReadOnlyList<WalkRow> hops)
    {
        var lanes = new List<string>();
        foreach (var h in hops)
        {
            string lane = LaneOf(h);
            if (!lanes.Contains(lane)) lanes.Add(lane);
        }
        double end = hops.Count == 0 ? 1 : Math.Max(1e-3, hops.Max(h => h.AtUs));
        double scale = (Width - Left - Right) / end;
        double height = Top + lanes.Count * LaneHeight + 46;
        var svg = new Svg("walk", Width, height, $"walk of one request/response over {datapath}");
        svg.Text(Left, 18, $"{datapath}: {Fmt(end)} µs from the request's send to the response's delivery", 13, weight: "bold");
        for (int i = 0; i < lanes.Count; i++)
        {
            double y = Top + i * LaneHeight;
            svg.Rect(Left, y, Width - Left - Right, LaneHeight - 4, i % 2 == 0 ? "#f6f6f6" : "#ffffff");
            svg.Text(Left - 6, y + LaneHeight / 2 + 2, lanes[i], 12, "end");
        }
        foreach (var h in hops)
        {
            double duration = (h.CpuNs + h.QueueNs + h.WireNs) / 1000;
            double x = Left + (h.AtUs - duration) * scale;
            double y = Top + lanes.IndexOf(LaneOf(h)) * LaneHeight + 3;
            string tip = $"{h.What}\n{h.Node} {h.Element}: {h.Action}\nCPU {Fmt(h.CpuNs / 1000)} µs, queue {Fmt(h.QueueNs / 1000)} µs, wire {Fmt(h.WireNs / 1000)} µs; done at {Fmt(h.AtUs)} µs";
            svg.Rect(x, y, duration * scale, LaneHeight - 10, KindColours.Of(h.Kind), tip, cssClass: "hop");
        }
        // The time axis: ticks at round microseconds.
        double axisY = Top + lanes.Count * LaneHeight + 4;
        svg.Line(Left, axisY, Width - Right, axisY, "#444");
        double step = Step(end);
        for (double t = 0; t <= end + 1e-9; t += step)
        {
            double x = Left + t * scale;
            svg.Line(x, axisY, x, axisY + 5, "#444");
            svg.Text(x, axisY + 17, Fmt(t), 10, "middle");
        }
        svg.Text(Width - Right, axisY + 32, "µs", 10, "end");
        return svg.ToString();
    }

    /// <summary>The legend of the kinds a set of walks uses, as small coloured boxes.</summary>
    public static string Legend(IEnumerable<string> kinds)
    {
        var list = kinds.Distinct(StringComparer.Ordinal).ToList();
        var svg = new Svg("legend", Width, 22 * ((list.Count + 5) / 6) + 6, "element kinds");
        for (int i = 0; i < list.Count; i++)
        {
            double x = 10 + (i % 6) * 125, y = 6 + (i / 6) * 22;
            svg.Rect(x, y, 14, 14, KindColours.Of(list[i]));
            svg.Text(x + 19, y + 12, list[i], 12);
        }
        return svg.ToString();
    }

    private static string LaneOf(WalkRow h) => h.WireNs > 0 && h.CpuNs == 0 ? "wire" : h.Node;

    private static double Step(double end)
    {
        double raw = end / 8;
        double pow = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        return raw / pow < 2 ? 2 * pow : raw / pow < 5 ? 5 * pow : 10 * pow;
    }

    private static string Fmt(double v) => v.ToString(v >= 100 ? "0" : v >= 10 ? "0.0" : "0.00", CultureInfo.InvariantCulture);
}
