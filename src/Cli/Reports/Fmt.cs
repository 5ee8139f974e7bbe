using NetSim.Experiments.Results;
using System.Globalization;

namespace NetSim.Cli.Reports;

/// <summary>Numbers for people: about four significant digits, thousands grouped, invariant culture.</summary>
public static class Fmt
{
    /// <summary>
    /// Text for a Spectre table or markup line: brackets escaped, and a word joiner after each colon so that names
    /// like "service:ledger:5432" are not read as emoji shortcodes (":ledger:").
    /// </summary>
    public static string Escape(string text) => Spectre.Console.Markup.Escape(text).Replace(":", ":\u2060", StringComparison.Ordinal);

    public static string Number(double v)
    {
        if (double.IsNaN(v)) return "n/a";
        double a = Math.Abs(v);
        string format = a >= 1000 ? "#,0" : a >= 100 ? "0.0" : a >= 10 ? "0.00" : a >= 0.01 || a == 0 ? "0.000" : a >= 1e-4 ? "0.00000" : "0.###E+0";
        return v.ToString(format, CultureInfo.InvariantCulture);
    }

    /// <summary>A metric's value: whole numbers for counts (packets), else <see cref="Number"/>.</summary>
    public static string Of(Metric metric, double v) => metric.Whole && double.IsFinite(v) ? Count((long)Math.Round(v)) : Number(v);

    public static string Count(long v) => v.ToString("#,0", CultureInfo.InvariantCulture);

    /// <summary>Picoseconds as microseconds with nanosecond resolution ("12.345").</summary>
    public static string Us(long ps) => (ps / 1e6).ToString("#,0.000", CultureInfo.InvariantCulture);

    /// <summary>A fraction as a whole percentage, "42%".</summary>
    public static string Percent(double fraction) => (fraction * 100).ToString("0", CultureInfo.InvariantCulture) + "%";

    public static string Seconds(double s) => s.ToString(s >= 100 ? "0" : s >= 1 ? "0.00" : "0.000", CultureInfo.InvariantCulture);
}
