using ScottPlot;

namespace NetSim.Reporting.Charts;

/// <summary>
/// A metric at each point of a sweep whose parameters are categories (kube_proxy.mode: [iptables, nftables]): a bar
/// per point, labelled with its parameters, and its 95% confidence interval across replications as an error bar.
/// </summary>
public static class SweepBarChart
{
    public static IReadOnlyList<string> Write(string basePath, string title, string yLabel, IReadOnlyList<(string Point, double Mean, double HalfWidth)> points)
    {
        var plot = ChartFile.NewPlot(title, "point", yLabel);
        var bars = points.Select((p, i) => new Bar
        {
            Position = i,
            Value = p.Mean,
            Error = p.HalfWidth,
            FillColor = ChartFile.ColorFor(i),
        }).ToList();
        plot.Add.Bars(bars);
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, points.Count).Select(i => (double)i).ToArray(), points.Select(p => p.Point).ToArray());
        plot.Axes.Margins(bottom: 0, top: 0.15);
        return ChartFile.Save(plot, basePath, ChartFile.WidthFor(points.Count), ChartFile.Height);
    }
}
