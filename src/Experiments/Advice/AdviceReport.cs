using System.Text;
using NetSim.Engine.Statistics;

namespace NetSim.Experiments.Advice;

/// <summary>The answer as markdown (advice.md, --markdown): the requirements, the scenario, the ranked table and every reason.</summary>
public static class AdviceReport
{
    public static string Markdown(AdvicePlan plan, IReadOnlyList<RankedCandidate> ranking)
    {
        var r = plan.Requirements;
        var sb = new StringBuilder();
        sb.AppendLine($"# netsim advise: {r.Name}").AppendLine();
        if (r.Description.Length > 0) sb.AppendLine(r.Description).AppendLine();
        sb.AppendLine($"Requirements: {Summary(r)}.").AppendLine();
        sb.AppendLine($"Scenario: {plan.ScenarioNote}; {plan.Replications} replication(s) per datapath (seeds {plan.Scenario.Seed}..{plan.Scenario.Seed + (ulong)plan.Replications - 1}), mean ± 95 % confidence interval.").AppendLine();
        sb.AppendLine("| rank | datapath | verdict | Service TCP_RR p50 (µs) | throughput (Gbit/s) | TCP_CRR p50 (µs) | CPU per Gbit (µs) | fails |");
        sb.AppendLine("|---:|---|---|---:|---:|---:|---:|---|");
        foreach (var c in ranking)
            sb.AppendLine($"| {c.Rank} | {c.Datapath} | {Verdict(c, ranking)} | {Cell(c.Measured?.LatencyP50Us)} | {Cell(c.Measured?.ThroughputGbps)} | {Cell(c.Measured?.SetupP50Us)} | {Cell(c.Measured?.CpuUsPerGbit)} | {string.Join(", ", c.Failures.Select(f => f.Label))} |");
        sb.AppendLine().AppendLine("Why each place (matrix cells as feature=value [source]; the full matrix: docs/cni-features.md):").AppendLine();
        foreach (var c in ranking) sb.AppendLine($"{c.Rank}. **{c.Datapath}**: {c.Reason}.");
        return sb.ToString();
    }

    /// <summary>"recommended" for the first eligible measured datapath, then "eligible", "not measured", "fails".</summary>
    public static string Verdict(RankedCandidate c, IReadOnlyList<RankedCandidate> ranking) =>
        !c.Eligible ? "fails" : c.Measured is null ? "not measured" : ranking.First(x => x.Eligible && x.Measured is not null) == c ? "recommended" : "eligible";

    public static string Summary(Requirements r) =>
        $"{r.Nodes} nodes, {r.Pods} pods; policy {(r.PolicyRequired ? "required" : "not required")}, encryption {(r.EncryptionRequired ? "required" : "not required")}, " +
        $"audit logging {(r.AuditLogging ? "required" : "not required")}; priority {r.Priority.ToString().ToLowerInvariant()}; " +
        $"{(r.Platform == Platform.Cloud ? "cloud" : "on-prem")}, {(r.Fabric == Fabric.L2 ? "one L2 segment" : "routed fabric")}, BGP {(r.BgpAvailable ? "available" : "not available")}; " +
        $"{r.OpsMaturity.ToString().ToLowerInvariant()} ops team, {r.Budget.ToString().ToLowerInvariant()} budget";

    /// <summary>A table cell: "12.3 ± 0.4", "12.3" for one replication, "" when not measured.</summary>
    public static string Cell(ReplicationSummary? s) =>
        s is null ? "" : s.Count < 2 ? Ranking.Num(s.Mean) : $"{Ranking.Num(s.Mean)} ± {Ranking.Num(s.HalfWidth95)}";
}
