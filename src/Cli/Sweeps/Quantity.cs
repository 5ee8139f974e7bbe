using System.Globalization;
using NetSim.Engine.Core;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Yaml;

namespace NetSim.Cli.Sweeps;

/// <summary>What a swept value measures, by how it is written: a plain number, a bit rate, a size or a time.</summary>
public enum QuantityKind
{
    Plain,
    Rate,
    Size,
    Time,
}

/// <summary>
/// A swept value read as a number in its base unit (bit/s, bytes, picoseconds, or plain), and written back in
/// the scenario's own notation: what lets a sweep space rates, sizes and times logarithmically and plot them.
/// </summary>
public static class Quantity
{
    public static bool TryParse(string text, out double value, out QuantityKind kind)
    {
        (value, kind) = (0, QuantityKind.Plain);
        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal d)) { value = (double)d; return true; }
        if (Units.TryParseBitRate(text, out long bps, out _)) { (value, kind) = (bps, QuantityKind.Rate); return true; }
        if (Units.TryParseBytes(text, out long bytes, out _)) { (value, kind) = (bytes, QuantityKind.Size); return true; }
        if (SimTime.TryParse(text, out var t)) { (value, kind) = (t.Picoseconds, QuantityKind.Time); return true; }
        return false;
    }

    /// <summary>Writes <paramref name="value"/> (base unit) back as scenario text; whole numbers when <paramref name="whole"/> or the unit needs them.</summary>
    public static string Format(double value, QuantityKind kind, bool whole) => kind switch
    {
        QuantityKind.Rate => ScenarioWriter.FormatRate((long)Math.Round(value, MidpointRounding.AwayFromZero)),
        QuantityKind.Size => ScenarioWriter.FormatSize((long)Math.Round(value, MidpointRounding.AwayFromZero)),
        QuantityKind.Time => SimTime.FromPicoseconds((long)Math.Round(value, MidpointRounding.AwayFromZero)).ToString(),
        _ when whole => Math.Round(value, MidpointRounding.AwayFromZero).ToString("0", CultureInfo.InvariantCulture),
        _ => value.ToString("G6", CultureInfo.InvariantCulture),
    };

    /// <summary>The kind two values share: a bare number counts as bytes or bit/s beside a size or rate (as scenario files read it); null if they differ.</summary>
    public static QuantityKind? Unify(QuantityKind a, QuantityKind b) =>
        a == b ? a
        : a == QuantityKind.Plain && b is QuantityKind.Rate or QuantityKind.Size ? b
        : b == QuantityKind.Plain && a is QuantityKind.Rate or QuantityKind.Size ? a
        : null;

    /// <summary>A value on a chart axis: Gbit/s for rates, bytes for sizes, µs for times.</summary>
    public static double AxisValue(double value, QuantityKind kind) => kind switch
    {
        QuantityKind.Rate => value / 1e9,
        QuantityKind.Time => value / 1e6,
        _ => value,
    };

    public static string AxisUnit(QuantityKind kind) => kind switch
    {
        QuantityKind.Rate => " (Gbit/s)",
        QuantityKind.Size => " (bytes)",
        QuantityKind.Time => " (µs)",
        _ => "",
    };
}
