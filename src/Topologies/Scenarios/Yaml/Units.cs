using System.Globalization;

namespace NetSim.Topologies.Scenarios.Yaml;

/// <summary>Parsing of the units scenario files use: bit rates ("10Gbps", "25G") and byte sizes ("64KiB", "1460").</summary>
public static class Units
{
    private static readonly (string Suffix, long Scale)[] RateUnits =
    [
        ("Tbps", 1_000_000_000_000), ("Gbps", 1_000_000_000), ("Mbps", 1_000_000), ("Kbps", 1_000), ("kbps", 1_000), ("bps", 1),
        ("Tbit/s", 1_000_000_000_000), ("Gbit/s", 1_000_000_000), ("Mbit/s", 1_000_000), ("kbit/s", 1_000), ("bit/s", 1),
        ("T", 1_000_000_000_000), ("G", 1_000_000_000), ("M", 1_000_000), ("K", 1_000), ("k", 1_000),
    ];

    private static readonly (string Suffix, long Scale)[] ByteUnits =
    [
        ("GiB", 1L << 30), ("MiB", 1L << 20), ("KiB", 1L << 10), ("GB", 1_000_000_000), ("MB", 1_000_000), ("KB", 1_000), ("kB", 1_000), ("B", 1),
    ];

    public static bool TryParseBitRate(string text, out long bitsPerSecond, out string error) =>
        TryParseScaled(text, RateUnits, "bit rate", "10Gbps, 25Gbit/s or 100M", out bitsPerSecond, out error);

    public static bool TryParseBytes(string text, out long bytes, out string error) =>
        TryParseScaled(text, ByteUnits, "size", "1460, 64KiB or 1MB", out bytes, out error);

    private static bool TryParseScaled(string text, (string Suffix, long Scale)[] units, string what, string example,
        out long value, out string error)
    {
        value = 0;
        string s = text.Trim();
        long scale = 1;
        foreach (var (suffix, sc) in units)
        {
            if (!s.EndsWith(suffix, StringComparison.Ordinal)) continue;
            s = s[..^suffix.Length].Trim();
            scale = sc;
            break;
        }
        if (!decimal.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal d))
        {
            error = $"'{text}' is not a {what}; write e.g. {example}";
            return false;
        }
        decimal v = d * scale;
        if (v != decimal.Truncate(v) || v <= 0 || v > long.MaxValue)
        {
            error = $"'{text}' is not a positive whole number of {(what == "size" ? "bytes" : "bit/s")}";
            return false;
        }
        value = (long)v;
        error = "";
        return true;
    }
}
