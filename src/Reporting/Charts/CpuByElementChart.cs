using ScottPlot;

namespace NetSim.Reporting.Charts;

/// <summary>Where the cycles went: CPU time per element, largest first, as horizontal bars.</summary>
public static class CpuByElementChart
{
    public static IReadOnlyList<string> Write(string basePath, string title, IReadOnlyList<(string Element, double CpuUs)> rows, int top = 15)
    {
        var shown = rows.OrderByDescending(r => r.CpuUs).Take(top).Reverse().ToList();
        var plot = ChartFile.NewPlot(title, "CPU time (µs)", "");
        var bars = shown.Select((r, i) => new Bar { Position = i, Value = r.CpuUs, FillColor = ChartFile.ColorFor(0) }).ToList();
        var plottable = plot.Add.Bars(bars);
        plottable.Horizontal = true;
        plot.Axes.Left.SetTicks(Enumerable.Range(0, shown.Count).Select(i => (double)i).ToArray(), shown.Select(r => r.Element).ToArray());
        plot.Axes.Margins(left: 0);
        return ChartFile.Save(plot, basePath, ChartFile.Width, Math.Max(ChartFile.Height, 40 * shown.Count + 150));
    }
}
