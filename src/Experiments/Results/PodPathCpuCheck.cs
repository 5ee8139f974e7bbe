using System.Globalization;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Simulation;

namespace NetSim.Experiments.Results;

/// <summary>
/// The invariant a comparison adds to the runs' own: on the same hardware and traffic, a pod path costs at least the
/// CPU per Gbit/s of host networking, since every pod datapath runs the host stack's work plus its own (veth, bridge,
/// encapsulation, netfilter or BPF). A slack of <see cref="SlackPercent"/> covers what is not a datapath's work: the
/// few segments a measured window cuts at its edges.
/// </summary>
public static class PodPathCpuCheck
{
    public const string Name = "pod-path CPU per Gbit/s not below the host path";

    /// <summary>Tolerated shortfall, in percent of the host path's CPU per Gbit/s.</summary>
    public const double SlackPercent = 2;

    /// <summary>The violations among <paramref name="runs"/> (datapath, result); none when no host run is among them.</summary>
    public static IReadOnlyList<InvariantViolation> Check(IReadOnlyList<(string Datapath, RunResult Result)> runs)
    {
        var host = runs.FirstOrDefault(r => r.Datapath == DatapathNames.Host);
        if (host.Result is null || CpuPerGbit(host.Result) is not { } floor) return [];
        var violations = new List<InvariantViolation>();
        foreach (var (datapath, result) in runs)
        {
            if (datapath == DatapathNames.Host || CpuPerGbit(result) is not { } cpu) continue;
            if (cpu < floor * (1 - (SlackPercent / 100)))
                violations.Add(new InvariantViolation(Name, string.Create(CultureInfo.InvariantCulture,
                    $"{datapath} {cpu:0.###} core-ms per Gbit against host {floor:0.###} ({(cpu / floor - 1) * 100:+0.0;-0.0} %)")));
        }
        return violations;
    }

    /// <summary>Core time of every node per Gbit delivered (ms per Gbit), null when nothing was delivered.</summary>
    public static double? CpuPerGbit(RunResult r)
    {
        double gbit = RunMetrics.GbitDelivered(r);
        return gbit > 0 ? RunMetrics.TotalCpuPs(r) / 1e9 / gbit : null;
    }
}
