using ScottPlot;

namespace NetSim.Reporting.Charts;

/// <summary>
/// The "latency budget": one stacked bar per datapath, each segment the time a kind of element took
/// (e.g. syscall, TCP, IP, netfilter, veth, bridge, VXLAN, NIC, wire).
/// </summary>
public static class LatencyBudgetChart
{
    /// <param name="budgets">Per datapath, (segment name, µs) in stacking order.</param>
    public static IReadOnlyList<string> Write(string basePath, string title,
        IReadOnlyList<(string Datapath, IReadOnlyList<(string Segment, double Us)> Parts)> budgets)
    {
        var plot = ChartFile.NewPlot(title, "datapath", "time per transaction (µs)");
        var segments = budgets.SelectMany(b => b.Parts.Select(p => p.Segment)).Distinct(StringComparer.Ordinal).ToList();
        var bars = new List<Bar>();
        for (int i = 0; i < budgets.Count; i++)
        {
            double bottom = 0;
            foreach (var (segment, us) in budgets[i].Parts)
            {
                bars.Add(new Bar { Position = i, ValueBase = bottom, Value = bottom + us, FillColor = ChartFile.ColorFor(segments.IndexOf(segment)) });
                bottom += us;
            }
        }
        plot.Add.Bars(bars);
        plot.Legend.ManualItems.AddRange(segments.Select((s, k) => new LegendItem { LabelText = s, FillColor = ChartFile.ColorFor(k) }));
        plot.ShowLegend(Alignment.UpperLeft);
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, budgets.Count).Select(i => (double)i).ToArray(), budgets.Select(b => b.Datapath).ToArray());
        plot.Axes.Margins(bottom: 0, top: 0.1);
        return ChartFile.Save(plot, basePath, ChartFile.WidthFor(budgets.Count), ChartFile.Height);
    }
}
