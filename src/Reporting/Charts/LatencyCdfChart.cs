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
}
