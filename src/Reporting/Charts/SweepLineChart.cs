using ScottPlot;

namespace NetSim.Reporting.Charts;

/// <summary>
/// A metric against a swept parameter, one line per series (e.g. per kube-proxy mode), with its 95% confidence
/// band across replications; optionally a log-scaled x axis (numbers of Services span decades).
/// </summary>
public static class SweepLineChart
{
    public static IReadOnlyList<string> Write(string basePath, string title, string xLabel, string yLabel, bool logX,
        IReadOnlyList<(string Series, IReadOnlyList<(double X, double Mean, double HalfWidth)> Points)> series)
    {
        var plot = ChartFile.NewPlot(title, xLabel + (logX ? " (log scale)" : ""), yLabel);
        for (int i = 0; i < series.Count; i++)
        {
            var pts = series[i].Points.OrderBy(p => p.X).ToArray();
            double[] xs = pts.Select(p => logX ? Math.Log10(p.X) : p.X).ToArray();
            var color = ChartFile.ColorFor(i);
            if (pts.Any(p => p.HalfWidth > 0))
            {
                var band = plot.Add.FillY(xs, pts.Select(p => p.Mean - p.HalfWidth).ToArray(), pts.Select(p => p.Mean + p.HalfWidth).ToArray());
                band.FillStyle.Color = color.WithAlpha(0.2);
                band.LineStyle.Width = 0;
            }
            var line = plot.Add.Scatter(xs, pts.Select(p => p.Mean).ToArray(), color);
            line.LegendText = series[i].Series;
            line.LineWidth = 2;
            line.MarkerSize = 7;
        }
        // Ticks at the swept values themselves: a sweep has few points and they are what the reader compares.
        double[] values = series.SelectMany(x => x.Points.Select(p => p.X)).Distinct().Order().ToArray();
        plot.Axes.Bottom.SetTicks(values.Select(v => logX ? Math.Log10(v) : v).ToArray(),
            values.Select(v => v.ToString("#,0.##", System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        plot.ShowLegend(Alignment.UpperLeft);
        return ChartFile.Save(plot, basePath);
    }
}
