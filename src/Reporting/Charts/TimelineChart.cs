namespace NetSim.Reporting.Charts;

/// <summary>
/// A run with events over time: each traffic group's rate per step (transactions/s, or Gbit/s for a group without
/// transactions) as a line, and a vertical marker at each event, labelled with its kind and target.
/// </summary>
public static class TimelineChart
{
    /// <param name="series">Per group: its rate per step (step end in ms, rate).</param>
    /// <param name="markers">Each event: its time (ms) and label.</param>
    public static IReadOnlyList<string> Write(string basePath, string title, string yLabel,
        IReadOnlyList<(string Label, IReadOnlyList<(double AtMs, double Rate)> Points)> series, IReadOnlyList<(double AtMs, string Label)> markers)
    {
        var plot = ChartFile.NewPlot(title, "time (ms)", yLabel);
        for (int i = 0; i < series.Count; i++)
        {
            var pts = series[i].Points;
            if (pts.Count == 0) continue;
            var line = plot.Add.ScatterLine(pts.Select(p => p.AtMs).ToArray(), pts.Select(p => p.Rate).ToArray(), ChartFile.ColorFor(i));
            line.LegendText = series[i].Label;
            line.LineWidth = 2;
        }
        foreach (var (at, label) in markers)
        {
            var v = plot.Add.VerticalLine(at, 1, ScottPlot.Colors.Gray, ScottPlot.LinePattern.Dashed);
            v.LabelText = label;
            v.LabelOppositeAxis = true;
            v.LabelFontSize = 10;
        }
        plot.ShowLegend(ScottPlot.Alignment.LowerLeft);
        return ChartFile.Save(plot, basePath);
    }
}
