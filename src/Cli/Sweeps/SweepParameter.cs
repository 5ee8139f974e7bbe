namespace NetSim.Cli.Sweeps;

/// <summary>
/// One swept scenario field: its path (as for --set) and the values it takes, given as a list or generated
/// ({log: [FROM, TO, N]} or {linear: [FROM, TO, N]}).
/// </summary>
public sealed record SweepParameter(string Path, IReadOnlyList<string> Values, bool LogSpaced)
{
    /// <summary>The values as numbers on a chart axis, when every value is the same kind of quantity; else null.</summary>
    public (double[] Xs, QuantityKind Kind)? Axis()
    {
        var raw = new double[Values.Count];
        QuantityKind? kind = null;
        for (int i = 0; i < Values.Count; i++)
        {
            if (!Quantity.TryParse(Values[i], out raw[i], out var k) || Quantity.Unify(kind ?? k, k) is not { } unified) return null;
            kind = unified;
        }
        return kind is null ? null : (raw.Select(v => Quantity.AxisValue(v, kind.Value)).ToArray(), kind.Value);
    }

    /// <summary>Log-spaced, or positive values spanning two decades or more.</summary>
    public bool LogAxis(double[] xs) => LogSpaced || (xs.Length > 1 && xs.Min() > 0 && xs.Max() / xs.Min() >= 100);

    /// <summary>N values from FROM to TO (both included), evenly spaced on a log or linear scale; whole numbers stay whole (rounded, duplicates dropped).</summary>
    public static IReadOnlyList<string> Generate(string from, string to, int count, bool log, out string error)
    {
        error = "";
        if (!Quantity.TryParse(from, out double a, out var ka) || !Quantity.TryParse(to, out double b, out var kb))
        {
            error = $"'{from}' and '{to}' must be numbers, rates, sizes or times";
            return [];
        }
        if (Quantity.Unify(ka, kb) is not { } kind)
        {
            error = $"'{from}' and '{to}' are different kinds of quantity";
            return [];
        }
        ka = kind;
        if (count < 2)
        {
            error = "needs at least 2 values";
            return [];
        }
        if (log && (a <= 0 || b <= 0))
        {
            error = "log spacing needs positive bounds";
            return [];
        }
        bool whole = ka != QuantityKind.Plain || (a == Math.Floor(a) && b == Math.Floor(b));
        var values = new List<string>();
        for (int k = 0; k < count; k++)
        {
            double f = k / (double)(count - 1);
            double v = k == 0 ? a : k == count - 1 ? b : log ? a * Math.Pow(b / a, f) : a + ((b - a) * f);
            // Generated rates and times are kept to whole Mbit/s and nanoseconds, which is how people write them.
            if (ka == QuantityKind.Rate && v >= 1e6) v = Math.Round(v / 1e6, MidpointRounding.AwayFromZero) * 1e6;
            if (ka == QuantityKind.Time && v >= 1e3) v = Math.Round(v / 1e3, MidpointRounding.AwayFromZero) * 1e3;
            string text = k == 0 ? from : k == count - 1 ? to : Quantity.Format(v, ka, whole);
            if (!values.Contains(text, StringComparer.Ordinal)) values.Add(text);
        }
        return values;
    }
}
