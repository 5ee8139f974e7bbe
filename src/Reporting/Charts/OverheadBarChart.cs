using System.Globalization;
using ScottPlot;

namespace NetSim.Reporting.Charts;

/// <summary>One metric per datapath as bars, each labelled with its overhead against the baseline ("+85%").</summary>
public static class OverheadBarChart
{
    public static IReadOnlyList<string> Write(string basePath, string title, string unit,
        IReadOnlyList<(string Datapath, double Value)> values, string baseline)
    {
        var plot = ChartFile.NewPlot(title, "datapath", unit);
        double baseValue = values.FirstOrDefault(v => v.Datapath == baseline).Value;
        var bars = new List<Bar>();
        for (int i = 0; i < values.Count; i++)
        {
            var (name, v) = values[i];
            bars.Add(new Bar
            {
                Position = i,
                Value = v,
                FillColor = ChartFile.ColorFor(i),
                Label = name == baseline ? "baseline" : Percent(RelativeChange(v, baseValue)),
            });
        }
        var plottable = plot.Add.Bars(bars);
        plottable.ValueLabelStyle.FontSize = 14;
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, values.Count).Select(i => (double)i).ToArray(), values.Select(v => v.Datapath).ToArray());
        plot.Axes.Margins(bottom: 0, top: 0.15);
        return ChartFile.Save(plot, basePath, ChartFile.WidthFor(values.Count), ChartFile.Height);
    }

    /// <summary>(value − baseline) / baseline; 0 when both are 0, NaN when only the baseline is 0 (no ratio exists).</summary>
    public static double RelativeChange(double value, double baseline) =>
        baseline == 0 ? (value == 0 ? 0 : double.NaN) : (value - baseline) / baseline;

    /// <summary>"+85%", "-48%"; one decimal below 10% ("+2.5%") so small overheads do not read as zero; "n/a" for NaN.</summary>
    public static string Percent(double change)
    {
        if (double.IsNaN(change)) return "n/a";
        double pct = change * 100;
        string text = pct.ToString(Math.Abs(pct) < 9.95 ? "0.0" : "0", CultureInfo.InvariantCulture);
        if (text is "0.0" or "-0.0") return "±0%";
        return (pct > 0 ? "+" : "") + text + "%";
    }
}
