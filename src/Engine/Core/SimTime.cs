using System.Globalization;

namespace NetSim.Engine.Core;

/// <summary>
/// Simulation time: a 64-bit count of picoseconds. Picoseconds because at 100 Gbit/s one byte takes 80 ps,
/// so nanoseconds could not represent serialization exactly; 2^63 ps is still about 106 days.
/// All arithmetic is checked: overflow throws instead of silently wrapping.
/// </summary>
public readonly record struct SimTime(long Picoseconds) : IComparable<SimTime>
{
    public const long PicosPerNanosecond = 1_000;
    public const long PicosPerMicrosecond = 1_000_000;
    public const long PicosPerMillisecond = 1_000_000_000;
    public const long PicosPerSecond = 1_000_000_000_000;

    public static readonly SimTime Zero = new(0);
    public static readonly SimTime MaxValue = new(long.MaxValue);

    public static SimTime FromPicoseconds(long ps) => new(ps);
    public static SimTime FromNanoseconds(long ns) => new(checked(ns * PicosPerNanosecond));
    public static SimTime FromMicroseconds(long us) => new(checked(us * PicosPerMicrosecond));
    public static SimTime FromMilliseconds(long ms) => new(checked(ms * PicosPerMillisecond));
    public static SimTime FromSeconds(long s) => new(checked(s * PicosPerSecond));

    /// <summary>Rounds a (non-hot-path) floating value of seconds to the nearest picosecond.</summary>
    public static SimTime FromSecondsApprox(double seconds)
    {
        double ps = Math.Round(seconds * PicosPerSecond);
        if (double.IsNaN(ps) || ps >= long.MaxValue || ps <= long.MinValue)
            throw new OverflowException($"{seconds} s does not fit in SimTime");
        return new((long)ps);
    }

    public double TotalSeconds => Picoseconds / (double)PicosPerSecond;
    public double TotalMilliseconds => Picoseconds / (double)PicosPerMillisecond;
    public double TotalMicroseconds => Picoseconds / (double)PicosPerMicrosecond;
    public double TotalNanoseconds => Picoseconds / (double)PicosPerNanosecond;

    public static SimTime operator +(SimTime a, SimTime b) => new(checked(a.Picoseconds + b.Picoseconds));
    public static SimTime operator -(SimTime a, SimTime b) => new(checked(a.Picoseconds - b.Picoseconds));
    public static SimTime operator *(SimTime a, long k) => new(checked(a.Picoseconds * k));
    public static SimTime operator *(long k, SimTime a) => new(checked(a.Picoseconds * k));
    public static SimTime operator /(SimTime a, long k) => new(a.Picoseconds / k);
    public static bool operator <(SimTime a, SimTime b) => a.Picoseconds < b.Picoseconds;
    public static bool operator >(SimTime a, SimTime b) => a.Picoseconds > b.Picoseconds;
    public static bool operator <=(SimTime a, SimTime b) => a.Picoseconds <= b.Picoseconds;
    public static bool operator >=(SimTime a, SimTime b) => a.Picoseconds >= b.Picoseconds;

    public SimTime Add(SimTime other) => this + other;
    public SimTime Subtract(SimTime other) => this - other;
    public SimTime Multiply(long k) => this * k;
    public SimTime Divide(long k) => this / k;

    public static SimTime Max(SimTime a, SimTime b) => a.Picoseconds >= b.Picoseconds ? a : b;
    public static SimTime Min(SimTime a, SimTime b) => a.Picoseconds <= b.Picoseconds ? a : b;

    public int CompareTo(SimTime other) => Picoseconds.CompareTo(other.Picoseconds);

    private static readonly (string Suffix, long Scale)[] Units =
    [
        ("ps", 1), ("ns", PicosPerNanosecond), ("us", PicosPerMicrosecond), ("µs", PicosPerMicrosecond),
        ("ms", PicosPerMillisecond), ("s", PicosPerSecond), ("min", 60 * PicosPerSecond), ("h", 3600 * PicosPerSecond),
    ];

    /// <summary>Parses "2s", "150us", "10ms", "1.5ns", "80ps". Exact: decimal arithmetic, no binary floating point.</summary>
    public static SimTime Parse(string text)
    {
        if (!TryParse(text, out var t, out var error)) throw new FormatException(error);
        return t;
    }

    public static bool TryParse(string? text, out SimTime value) => TryParse(text, out value, out _);

    public static bool TryParse(string? text, out SimTime value, out string error)
    {
        value = Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "empty time; expected a number with a unit such as 150us, 10ms or 2s";
            return false;
        }
        string s = text.Trim();
        int split = s.Length;
        while (split > 0 && char.IsLetter(s[split - 1])) split--;
        string number = s[..split].Trim();
        string unit = s[split..];
        if (unit.Length == 0)
        {
            error = $"time '{text}' has no unit; expected one of ps, ns, us, ms, s, min, h";
            return false;
        }
        long scale = 0;
        foreach (var (suffix, sc) in Units)
            if (string.Equals(unit, suffix, StringComparison.Ordinal)) { scale = sc; break; }
        if (scale == 0)
        {
            error = $"time '{text}' has an unknown unit '{unit}'; expected one of ps, ns, us, ms, s, min, h";
            return false;
        }
        if (!decimal.TryParse(number, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
                CultureInfo.InvariantCulture, out decimal d))
        {
            error = $"time '{text}' does not start with a number";
            return false;
        }
        try
        {
            decimal ps = d * scale;
            if (ps != decimal.Truncate(ps))
            {
                error = $"time '{text}' is finer than the 1 ps resolution";
                return false;
            }
            value = new SimTime(decimal.ToInt64(ps));
        }
        catch (OverflowException)
        {
            error = $"time '{text}' is out of range (at most about 106 days)";
            return false;
        }
        error = "";
        return true;
    }

    /// <summary>Prints in the largest unit that keeps the value exact, e.g. 1500000 ps → "1.5us".</summary>
    public override string ToString()
    {
        long ps = Picoseconds;
        if (ps == 0) return "0s";
        (string unit, long scale) = Math.Abs(ps) switch
        {
            >= PicosPerSecond => ("s", PicosPerSecond),
            >= PicosPerMillisecond => ("ms", PicosPerMillisecond),
            >= PicosPerMicrosecond => ("us", PicosPerMicrosecond),
            >= PicosPerNanosecond => ("ns", PicosPerNanosecond),
            _ => ("ps", 1L),
        };
        decimal v = (decimal)ps / scale;
        return v.ToString("0.############", CultureInfo.InvariantCulture) + unit;
    }
}
