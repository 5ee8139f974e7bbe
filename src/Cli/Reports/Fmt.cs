using NetSim.Experiments.Results;
using System.Globalization;
using Spectre.Console;

namespace NetSim.Cli.Reports;

/// <summary>Numbers for people: about four significant digits, thousands grouped, invariant culture; and text as table cells.</summary>
public static class Fmt
{
    /// <summary>Brackets escaped for a markup line. Names with colons ("service:web:80") go in <see cref="Plain"/> cells instead, which are not read for emoji codes.</summary>
    public static string Escape(string text) => Markup.Escape(text);

    /// <summary>A cell or line shown exactly as given: no markup, no emoji shortcodes (":ledger:" stays text).</summary>
    public static Text Plain(string text, Style? style = null) => new(text, style ?? Style.Plain);

    /// <summary>A line of plain text (names with colons stay as they are).</summary>
    public static void Line(IAnsiConsole console, string text, Style? style = null)
    {
        console.Write(Plain(text, style));
        console.WriteLine();
    }

    public static string Number(double v)
    {
        if (double.IsNaN(v)) return "n/a";
        double a = Math.Abs(v);
        string format = a >= 1000 ? "#,0" : a >= 100 ? "0.0" : a >= 10 ? "0.00" : a >= 0.01 || a == 0 ? "0.000" : a >= 1e-4 ? "0.00000" : "0.###E+0";
        return v.ToString(format, CultureInfo.InvariantCulture);
    }

    /// <summary>A value the item may not have ("—" when it has none, e.g. a stream's latency).</summary>
    public static string Number(double? v) => v is { } x ? Number(x) : "—";

    /// <summary>A metric's value: whole numbers for counts (packets), else <see cref="Number(double)"/>.</summary>
    public static string Of(Metric metric, double v) => metric.Whole && double.IsFinite(v) ? Count((long)Math.Round(v)) : Number(v);

    public static string Count(long v) => v.ToString("#,0", CultureInfo.InvariantCulture);

    /// <summary>Picoseconds as microseconds with nanosecond resolution ("12.345").</summary>
    public static string Us(long ps) => (ps / 1e6).ToString("#,0.000", CultureInfo.InvariantCulture);

    /// <summary>A fraction as a whole percentage, "42%".</summary>
    public static string Percent(double fraction) => (fraction * 100).ToString("0", CultureInfo.InvariantCulture) + "%";

    public static string Seconds(double s) => s.ToString(s >= 100 ? "0" : s >= 1 ? "0.00" : "0.000", CultureInfo.InvariantCulture);
}
