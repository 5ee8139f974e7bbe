namespace NetSim.Reporting.Charts;

/// <summary>Latency CDF per datapath: x = latency (µs), y = fraction of transactions at or below it.</summary>
public static class LatencyCdfChart
{
    /// <param name="series">Per datapath, its latency samples in µs (any order).</param>
    public static IReadOnlyList<string> Write(string basePath, string title, IReadOnlyList<(string Label, IReadOnlyList<double> LatenciesUs)> series)
    {
        var plot = ChartFile.NewPlot(title, "latency (µs)", "fraction of transactions ≤ latency");
        for (int i = 0; i < series.Count; i++)
        {
            var sorted = series[i].LatenciesUs.Order().ToArray();
            if (sorted.Length == 0) continue;
            double[] ys = Enumerable.Range(1, sorted.Length).Select(k => k / (double)sorted.Length).ToArray();
            var line = plot.Add.ScatterLine(sorted, ys, ChartFile.ColorFor(i));
            line.LegendText = series[i].Label;
            line.LineWidth = 2;
        }
        plot.Axes.SetLimitsY(0, 1.02);
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        return ChartFile.Save(plot, basePath);
    }

    /// <param name="series">Per datapath, its CDF as points (latency µs, fraction ≤ it), as a simulation run reports it.</param>
    public static IReadOnlyList<string> WritePoints(string basePath, string title, IReadOnlyList<(string Label, IReadOnlyList<(double LatencyUs, double Fraction)> Points)> series)
    {
        var plot = ChartFile.NewPlot(title, "latency (µs)", "fraction of transactions ≤ latency");
        for (int i = 0; i < series.Count; i++)
        {
            var pts = series[i].Points.OrderBy(p => p.LatencyUs).ThenBy(p => p.Fraction).ToArray();
            if (pts.Length == 0) continue;
            var line = plot.Add.ScatterLine(pts.Select(p => p.LatencyUs).ToArray(), pts.Select(p => p.Fraction).ToArray(), ChartFile.ColorFor(i));
            line.LegendText = series[i].Label;
            line.LineWidth = 2;
        }
        plot.Axes.SetLimitsY(0, 1.02);
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        return ChartFile.Save(plot, basePath);
    }
}
