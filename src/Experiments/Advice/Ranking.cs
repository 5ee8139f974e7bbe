using System.Globalization;
using NetSim.Engine.Statistics;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Simulation;

namespace NetSim.Experiments.Advice;

/// <summary>
/// Orders the datapaths: those that meet every hard constraint first, by soft mismatches (complexity beyond the
/// team, budget), then by the measured priority metric; then those that meet every constraint but were not
/// measured; then those that fail one, fewest failures first. Each place gets a reason citing the matrix and the numbers.
/// </summary>
public static class Ranking
{
    public static IReadOnlyList<RankedCandidate> Rank(AdvicePlan plan, IReadOnlyList<RunResult> results, FeatureMatrix m)
    {
        var r = plan.Requirements;
        var measured = plan.Runs.Select((run, i) => (run.Datapath, Result: results[i]))
            .GroupBy(x => x.Datapath, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => CandidateMeasurement.Of(g.Select(x => x.Result).ToList()), StringComparer.Ordinal);
        var rows = DatapathNames.All.Select(d => (
            Datapath: d,
            Failures: HardConstraints.Check(r, m, d),
            Soft: HardConstraints.SoftMismatches(r, m, d),
            SoftScore: HardConstraints.SoftScore(r, m, d),
            Measured: measured.GetValueOrDefault(d))).ToList();

        double Key(CandidateMeasurement? c)
        {
            var (v, _, _, lower) = c?.For(r.Priority) ?? default;
            return v is null ? double.PositiveInfinity : lower ? v.Mean : -v.Mean;
        }
        var ordered = rows
            .OrderBy(x => x.Failures.Count > 0 ? 2 : x.Measured is null ? 1 : 0)
            .ThenBy(x => x.Failures.Count)
            .ThenBy(x => x.SoftScore)
            .ThenBy(x => Key(x.Measured))
            .ThenBy(x => x.Datapath, StringComparer.Ordinal)
            .ToList();

        var eligibleMeasured = ordered.Where(x => x.Failures.Count == 0 && x.Measured is not null).ToList();
        var ranked = new List<RankedCandidate>();
        for (int i = 0; i < ordered.Count; i++)
        {
            var x = ordered[i];
            string reason = x.Failures.Count > 0
                ? FailingReason(x.Failures, x.Measured, r)
                : x.Measured is null
                    ? $"meets every requirement ({Met(r, m, x.Datapath)}) but was not measured: {plan.NotRun.GetValueOrDefault(x.Datapath, "no run")}"
                    : EligibleReason(r, m, x.Datapath, x.Soft, x.SoftScore, x.Measured, eligibleMeasured.Select(e => (e.Datapath, e.SoftScore, e.Measured!)).ToList());
            ranked.Add(new RankedCandidate(i + 1, x.Datapath, x.Failures, x.Soft, x.Measured,
                x.Measured is null ? plan.NotRun.GetValueOrDefault(x.Datapath) : null, reason));
        }
        return ranked;
    }

    /// <summary>The requirements a datapath meets, each with the matrix cell that shows it.</summary>
    private static string Met(Requirements r, FeatureMatrix m, string d)
    {
        var parts = new List<string>();
        if (r.PolicyRequired) parts.Add($"policy: {m[d, Features.Policy].Citation}");
        if (r.EncryptionRequired) parts.Add($"encryption: {m[d, Features.Encryption].Citation}");
        if (r.AuditLogging) parts.Add($"audit logging: {m[d, Features.AuditLogging].Citation}");
        parts.Add($"network: {m[d, Features.Underlay].Citation}");
        return string.Join("; ", parts);
    }

    private static string EligibleReason(Requirements r, FeatureMatrix m, string d, IReadOnlyList<string> soft, int softScore, CandidateMeasurement c,
        IReadOnlyList<(string Datapath, int Soft, CandidateMeasurement Measured)> eligible)
    {
        var (v, label, unit, lower) = c.For(r.Priority);
        string budget = r.Budget.ToString().ToLowerInvariant();
        var cx = m[d, Features.Complexity];
        string fit = soft.Count == 0
            ? $"fits {HardConstraints.Team(r)} and a {budget} budget ({cx.Citation})"
            : $"held back by {string.Join(", ", soft)}";
        string measuredText = v is null
            ? $"{label} not measured by this scenario"
            : $"{label} {Estimate(v)} {unit} (n={v.Count}){Against(d, softScore, v, lower, eligible, r.Priority, label)}";
        return $"meets every requirement ({Met(r, m, d)}); {fit}; priority {r.Priority.ToString().ToLowerInvariant()}: {measuredText}; also {Others(c, r.Priority)}";
    }

    /// <summary>How the priority metric compares with the best eligible datapath (and whether the intervals separate them).</summary>
    private static string Against(string d, int soft, ReplicationSummary v, bool lower, IReadOnlyList<(string Datapath, int Soft, CandidateMeasurement Measured)> eligible,
        PerformancePriority priority, string label)
    {
        var others = eligible.Where(e => e.Datapath != d && e.Measured.For(priority).Value is not null).ToList();
        if (others.Count == 0) return ", the only eligible datapath measured";
        var best = others.OrderBy(e => lower ? e.Measured.For(priority).Value!.Mean : -e.Measured.For(priority).Value!.Mean).First();
        var b = best.Measured.For(priority).Value!;
        bool isBest = lower ? v.Mean <= b.Mean : v.Mean >= b.Mean;
        string overlap = Overlaps(v, b) ? $"; the 95 % intervals overlap, not distinguishable at n={v.Count}" : "";
        if (isBest) return $", the best {label} of the {others.Count + 1} eligible ({Percent(b.Mean, v.Mean)} for the next, {best.Datapath}){overlap}";
        string held = soft < best.Soft ? $", ranked above {best.Datapath} for fitting the team and budget" : "";
        return $", {Percent(v.Mean, b.Mean)} against the best, {best.Datapath}{overlap}{held}";
    }

    private static string FailingReason(IReadOnlyList<ConstraintFailure> failures, CandidateMeasurement? c, Requirements r) =>
        $"fails {string.Join("; ", failures)}{(c is null ? "" : $"; measured anyway: {c.For(r.Priority).Label} {Show(c.For(r.Priority).Value)} {c.For(r.Priority).Unit}")}";

    private static string Others(CandidateMeasurement c, PerformancePriority priority)
    {
        var parts = new List<string>();
        if (priority != PerformancePriority.Latency && c.LatencyP50Us is { } l) parts.Add($"Service TCP_RR p50 {Estimate(l)} µs");
        if (priority != PerformancePriority.Throughput && c.ThroughputGbps is { } t) parts.Add($"throughput {Estimate(t)} Gbit/s");
        if (c.SetupP50Us is { } s) parts.Add($"TCP_CRR p50 {Estimate(s)} µs");
        if (priority != PerformancePriority.Cpu && c.CpuUsPerGbit is { } u) parts.Add($"CPU {Estimate(u)} µs per Gbit");
        return string.Join(", ", parts);
    }

    public static bool Overlaps(ReplicationSummary a, ReplicationSummary b)
    {
        if (a.Count < 2 || b.Count < 2) return false;
        return a.Mean - a.HalfWidth95 <= b.Mean + b.HalfWidth95 && b.Mean - b.HalfWidth95 <= a.Mean + a.HalfWidth95;
    }

    /// <summary>"12.3 ± 0.4" (mean ± 95 % half-width), or "12.3" from one replication.</summary>
    public static string Estimate(ReplicationSummary s) =>
        s.Count < 2 ? Num(s.Mean) : $"{Num(s.Mean)} ± {Num(s.HalfWidth95)}";

    private static string Show(ReplicationSummary? s) => s is null ? "not measured" : Estimate(s);

    private static string Percent(double value, double reference) =>
        reference == 0 ? "n/a" : ((value - reference) / reference).ToString("+0.0 %;-0.0 %;0.0 %", CultureInfo.InvariantCulture);

    /// <summary>Three significant digits at most below 100 (the intervals are wider than that), whole numbers above.</summary>
    public static string Num(double v) => v.ToString(Math.Abs(v) switch
    {
        >= 100 => "#,0",
        >= 10 => "0.0",
        >= 1 => "0.00",
        _ => "0.###",
    }, CultureInfo.InvariantCulture);
}
