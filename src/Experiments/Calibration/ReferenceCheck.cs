using System.Globalization;
using System.Text;

namespace NetSim.Experiments.Calibration;

/// <summary>One row of the reference table: the published figure, the simulated one, the error and the verdict.</summary>
public sealed record ReferenceResult(ReferenceRow Row, double Simulated)
{
    /// <summary>Signed relative error in percent (simulated against published).</summary>
    public double ErrorPercent => (Simulated / Row.Published - 1) * 100;

    /// <summary>Null for information-only rows.</summary>
    public bool? Passed => Row.TolerancePercent is { } t ? !double.IsNaN(Simulated) && Math.Abs(ErrorPercent) <= t : null;

    public string Verdict => Passed switch { true => "pass", false => "FAIL", null => "info" };
}

/// <summary>An ordering and the two simulated values it compared.</summary>
public sealed record OrderingResult(ReferenceOrdering Ordering, double Left, double Right)
{
    public bool Passed => Ordering.Holds(Left, Right);
}

/// <summary>
/// The reference table of <c>netsim check-reference</c>: every published figure against the simulation, and the
/// orderings the sources report, as a terminal table or as Markdown (the README's copy is this text, generated).
/// </summary>
public sealed record ReferenceCheck(string ProfileName, IReadOnlyList<ReferenceResult> Results, IReadOnlyList<OrderingResult> Orderings)
{
    public bool AllPassed => Results.All(r => r.Passed != false) && Orderings.All(o => o.Passed);

    public static ReferenceCheck Of(string profileName, IReadOnlyList<ReferenceRow> rows, IReadOnlyList<double> simulated, IReadOnlyList<ReferenceOrdering> orderings)
    {
        var results = rows.Select((r, i) => new ReferenceResult(r, simulated[i])).ToList();
        double Value(string id) => results.First(r => r.Row.Id == id).Simulated;
        return new ReferenceCheck(profileName, results, orderings.Select(o => new OrderingResult(o, Value(o.Left), Value(o.Right))).ToList());
    }

    public string Summary =>
        $"{Results.Count(r => r.Passed == true)} of {Results.Count(r => r.Passed is not null)} checked figures within tolerance " +
        $"({Results.Count(r => r.Passed is null)} for information), {Orderings.Count(o => o.Passed)} of {Orderings.Count} orderings hold";

    public string Markdown()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"Profile `{ProfileName}`; {Summary}.\n\n");
        sb.Append("| setup | metric | published | simulated | error | tolerance | result |\n");
        sb.Append("|---|---|---:|---:|---:|---:|---|\n");
        foreach (var r in Results)
            sb.Append(CultureInfo.InvariantCulture, $"| {Cell(r.Row.Setup)} | {Cell(MetricText(r.Row))} | {Number(r.Row.Published)} | {Number(r.Simulated)} | {Error(r)} | {Tolerance(r.Row)} | {r.Verdict} |\n");
        sb.Append("\n| ordering the sources report | simulated | result |\n|---|---|---|\n");
        foreach (var o in Orderings)
            sb.Append(CultureInfo.InvariantCulture, $"| {Cell(o.Ordering.Check)} | {Cell(OrderingText(o))} | {(o.Passed ? "pass" : "FAIL")} |\n");
        return sb.ToString();
    }

    private static string Cell(string s) => s.Replace("|", "\\|", StringComparison.Ordinal);

    public static string MetricText(ReferenceRow r) => $"{r.Metric} ({r.Unit})";

    public static string OrderingText(OrderingResult o) =>
        $"{Number(o.Left)} {o.Ordering.RelationText} {Number(o.Right)}";

    public static string Error(ReferenceResult r) =>
        double.IsNaN(r.Simulated) ? "n/a" : r.ErrorPercent.ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + " %";

    public static string Tolerance(ReferenceRow r) =>
        r.TolerancePercent is { } t ? "±" + t.ToString("0.#", CultureInfo.InvariantCulture) + " %" : "";

    /// <summary>Three significant digits at most, grouped thousands: tables stay stable against simulation noise.</summary>
    public static string Number(double v)
    {
        if (double.IsNaN(v)) return "n/a";
        double a = Math.Abs(v);
        string format = a >= 1000 ? "#,0" : a >= 100 ? "0" : a >= 10 ? "0.0" : a >= 1 ? "0.00" : "0.000";
        return v.ToString(format, CultureInfo.InvariantCulture);
    }
}
