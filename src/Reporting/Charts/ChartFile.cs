using System.Globalization;
using System.Text.RegularExpressions;
using ScottPlot;

namespace NetSim.Reporting.Charts;

/// <summary>Saves a plot as both PNG (for slides) and SVG (for papers), at a size readable at a glance.</summary>
public static partial class ChartFile
{
    public const int Width = 1000;
    public const int Height = 600;

    /// <summary>Writes BASE.png and BASE.svg; returns both paths.</summary>
    public static IReadOnlyList<string> Save(Plot plot, string basePath, int width = Width, int height = Height)
    {
        string png = basePath + ".png", svg = basePath + ".svg";
        plot.SavePng(png, width, height);
        plot.SaveSvg(svg, width, height);
        File.WriteAllText(svg, NumberClipPaths(File.ReadAllText(svg)));
        return [png, svg];
    }

    /// <summary>
    /// SkiaSharp numbers an SVG's clip paths from a counter shared by the whole process (cl_10 in one run, cl_7c after
    /// other charts); renumbered from 0 in order of appearance, the same chart is the same bytes whatever was drawn before.
    /// </summary>
    public static string NumberClipPaths(string svg)
    {
        var numbers = new Dictionary<string, string>(StringComparer.Ordinal);
        return ClipPathId().Replace(svg, m =>
        {
            if (!numbers.TryGetValue(m.Groups[1].Value, out string? n)) numbers[m.Groups[1].Value] = n = numbers.Count.ToString(CultureInfo.InvariantCulture);
            return "cl_" + n;
        });
    }

    [GeneratedRegex(@"(?<=[""#])cl_([0-9a-fA-F]+)(?=["")])")]
    private static partial Regex ClipPathId();

    /// <summary>Wide enough that one label per bar stays readable without rotation.</summary>
    public static int WidthFor(int bars) => Math.Max(Width, 130 * bars + 150);

    /// <summary>A consistent look: readable font sizes for titles and labels.</summary>
    public static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Title(title, 20);
        plot.XLabel(xLabel, 16);
        plot.YLabel(yLabel, 16);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 14;
        plot.Axes.Left.TickLabelStyle.FontSize = 14;
        return plot;
    }

    /// <summary>A fixed palette so a datapath keeps its colour across every chart of a run.</summary>
    public static Color ColorFor(int index) => Palette[index % Palette.Length];

    private static readonly Color[] Palette =
    [
        Color.FromHex("#1f77b4"), Color.FromHex("#ff7f0e"), Color.FromHex("#2ca02c"), Color.FromHex("#d62728"),
        Color.FromHex("#9467bd"), Color.FromHex("#8c564b"), Color.FromHex("#e377c2"), Color.FromHex("#7f7f7f"),
        Color.FromHex("#bcbd22"), Color.FromHex("#17becf"), Color.FromHex("#393b79"), Color.FromHex("#637939"),
    ];
}
