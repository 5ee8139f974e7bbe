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
                Label = name == baseline || baseValue == 0 ? "baseline" : Percent((v - baseValue) / baseValue),
            });
        }
        var plottable = plot.Add.Bars(bars);
        plottable.ValueLabelStyle.FontSize = 14;
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, values.Count).Select(i => (double)i).ToArray(), values.Select(v => v.Datapath).ToArray());
        plot.Axes.Margins(bottom: 0, top: 0.15);
        return ChartFile.Save(plot, basePath, ChartFile.WidthFor(values.Count), ChartFile.Height);
    }

    public static string Percent(double change) =>
        (change >= 0 ? "+" : "") + (change * 100).ToString("0", CultureInfo.InvariantCulture) + "%";
}
