using NetSim.Engine.Statistics;
using NetSim.Experiments.Results;
using NetSim.Topologies.Simulation;

namespace NetSim.Experiments.Advice;

/// <summary>
/// A datapath's measured numbers across its replications, each as mean and 95 % confidence interval: the
/// request/response p50 through a Service, the stream's throughput, connection setup and CPU per Gbit/s.
/// A metric the scenario does not measure is null.
/// </summary>
public sealed record CandidateMeasurement(
    ReplicationSummary? LatencyP50Us,
    ReplicationSummary? ThroughputGbps,
    ReplicationSummary? SetupP50Us,
    ReplicationSummary? CpuUsPerGbit)
{
    /// <summary>The groups whose numbers stand for latency, throughput and connection setup in <paramref name="run"/>.</summary>
    public static (string? Rr, string? Bulk, string? Crr) Groups(RunResult run) =>
        (run.Groups.FirstOrDefault(g => g.Kind is "rr" or "ping" && g.Application.TransactionLatency.Count > 0)?.Name,
         run.Groups.FirstOrDefault(g => g.Kind is "bulk" && g.Application.GoodputBitsPerSecond > 0)?.Name,
         run.Groups.FirstOrDefault(g => g.Kind is "crr" && g.Application.TransactionLatency.Count > 0)?.Name);

    public static CandidateMeasurement Of(IReadOnlyList<RunResult> replications)
    {
        var (rr, bulk, crr) = Groups(replications[0]);
        return new(
            Summary(replications, rr, Metrics.P50),
            Summary(replications, bulk, Metrics.Goodput),
            Summary(replications, crr, Metrics.P50),
            Summary(replications, Metrics.RunGroup, Metrics.CpuPerGbit));
    }

    /// <summary>The value the ranking sorts by for <paramref name="priority"/>, its summary, and whether lower is better.</summary>
    public (ReplicationSummary? Value, string Label, string Unit, bool LowerIsBetter) For(PerformancePriority priority) => priority switch
    {
        PerformancePriority.Throughput => (ThroughputGbps, "throughput", "Gbit/s", false),
        PerformancePriority.Cpu => (CpuUsPerGbit, "CPU per Gbit/s", "CPU µs per Gbit", true),
        _ => (LatencyP50Us, "Service TCP_RR p50", "µs", true),
    };

    private static ReplicationSummary? Summary(IReadOnlyList<RunResult> runs, string? group, Metric metric)
    {
        if (group is null) return null;
        var values = runs.Select(r => RunMetrics.Of(r).FirstOrDefault(v => v.Group == group && v.Metric == metric)?.Value).ToList();
        return values.All(v => v is double d && double.IsFinite(d)) ? new ReplicationSummary(values.Select(v => v!.Value).ToList()) : null;
    }
}
