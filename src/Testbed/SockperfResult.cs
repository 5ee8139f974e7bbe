using System.Globalization;
using System.Text.RegularExpressions;

namespace NetSim.Testbed;

/// <summary>
/// One sockperf ping-pong run as its text report states it (run with --full-rtt, so every figure is a round trip in
/// µs): the average, the percentiles it prints, and how many observations the valid part of the run had.
/// </summary>
public sealed partial record SockperfResult(double AverageRttUs, IReadOnlyDictionary<double, double> PercentilesUs, long Observations)
{
    public double P50Us => PercentilesUs.TryGetValue(50, out double v) ? v : double.NaN;

    /// <summary>Parses sockperf's report (colour escapes allowed); a report without the round-trip summary is a failed run.</summary>
    public static SockperfResult Parse(string text)
    {
        string plain = Escapes().Replace(text, "");
        if (!plain.Contains("avg-rtt", StringComparison.Ordinal))
        {
            if (plain.Contains("avg-lat", StringComparison.Ordinal)) throw new TestbedException("sockperf reported one-way latency: run it with --full-rtt");
            throw new TestbedException($"sockperf printed no round-trip summary{LastLine(plain)}");
        }
        var avg = AvgRtt().Match(plain);
        var percentiles = new SortedDictionary<double, double>();
        foreach (Match m in Percentile().Matches(plain))
            percentiles[Double(m.Groups["p"].Value)] = Double(m.Groups["v"].Value);
        var total = Total().Match(plain);
        if (!avg.Success || !percentiles.ContainsKey(50))
            throw new TestbedException("sockperf's report has no average or median round trip");
        return new SockperfResult(Double(avg.Groups["v"].Value), percentiles, total.Success ? long.Parse(total.Groups["n"].Value, CultureInfo.InvariantCulture) : 0);
    }

    private static string LastLine(string text)
    {
        string? line = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        return line is null ? "" : $": {line}";
    }

    private static double Double(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\x1b\[[0-9;]*m", RegexOptions.None, 1000)]
    private static partial Regex Escapes();

    [GeneratedRegex(@"avg-rtt=(?<v>[0-9.]+)", RegexOptions.None, 1000)]
    private static partial Regex AvgRtt();

    [GeneratedRegex(@"percentile (?<p>[0-9.]+) =\s*(?<v>[0-9.]+)", RegexOptions.None, 1000)]
    private static partial Regex Percentile();

    [GeneratedRegex(@"Total (?<n>[0-9]+) observations", RegexOptions.None, 1000)]
    private static partial Regex Total();
}
