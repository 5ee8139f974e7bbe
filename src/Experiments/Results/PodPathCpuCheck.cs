using System.Globalization;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Simulation;

namespace NetSim.Experiments.Results;

/// <summary>
/// The invariant a comparison adds to the runs' own: on the same hardware and traffic, a pod path costs at least the
/// CPU per Gbit/s of host networking, since every pod datapath runs the host stack's work plus its own (veth, bridge,
/// encapsulation, netfilter or BPF); pods on a VF or NIC of their own (sriov, host-device) skip the host's netns and
/// are not judged. A slack of <see cref="SlackPercent"/> covers what is not a datapath's work: the
/// few segments a measured window cuts at its edges.
/// "The same traffic" is checked, not assumed: CPU per Gbit/s is an average over every group's bits, and groups cost
/// very different CPU per bit (a bulk stream's 64 KiB super-packets against a request/response group's small
/// exchanges), so when the groups' shares of the delivered bits differ between the two runs by more than
/// <see cref="MixTolerancePoints"/> percentage points, the two averages weigh different mixes and are not compared:
/// the pair is reported as not judged, with the group whose share moved most.
/// </summary>
public static class PodPathCpuCheck
{
    public const string Name = "pod-path CPU per Gbit/s not below the host path";

    /// <summary>Tolerated shortfall, in percent of the host path's CPU per Gbit/s.</summary>
    public const double SlackPercent = 2;

    /// <summary>How far a group's share of the delivered bits may move between the runs for them to count as the same traffic.</summary>
    public const double MixTolerancePoints = 5;

    /// <summary>The violations among <paramref name="runs"/> (datapath, result); none when no host run is among them.</summary>
    public static IReadOnlyList<InvariantViolation> Check(IReadOnlyList<(string Datapath, RunResult Result)> runs) => Evaluate(runs).Violations;

    /// <summary>The violations, and the pairs not judged because their traffic mixes differ (one line each).</summary>
    public static (IReadOnlyList<InvariantViolation> Violations, IReadOnlyList<string> NotJudged) Evaluate(IReadOnlyList<(string Datapath, RunResult Result)> runs)
    {
        var host = runs.FirstOrDefault(r => r.Datapath == DatapathNames.Host);
        if (host.Result is null || CpuPerGbit(host.Result) is not { } floor) return ([], []);
        var violations = new List<InvariantViolation>();
        var notJudged = new List<string>();
        foreach (var (datapath, result) in runs)
        {
            if (datapath == DatapathNames.Host || CpuPerGbit(result) is not { } cpu) continue;
            if (DatapathNames.BypassesHostStack(datapath))
            {
                notJudged.Add($"{Name}: {datapath} not judged: its pods run the stack on a device of their own, outside the host's netns and its netfilter rules");
                continue;
            }
            if (MixDifference(host.Result, result) is { } moved)
            {
                notJudged.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{Name}: {datapath} not judged: its traffic mix differs from host's ({moved.Group}: {moved.Pod:0.#} % of the bits against {moved.Host:0.#} %)"));
                continue;
            }
            if (cpu < floor * (1 - (SlackPercent / 100)))
                violations.Add(new InvariantViolation(Name, string.Create(CultureInfo.InvariantCulture,
                    $"{datapath} {cpu:0.###} core-ms per Gbit against host {floor:0.###} ({(cpu / floor - 1) * 100:+0.0;-0.0} %)")));
        }
        return (violations, notJudged);
    }

    /// <summary>Core time of every node per Gbit delivered (ms per Gbit), null when nothing was delivered.</summary>
    public static double? CpuPerGbit(RunResult r)
    {
        double gbit = RunMetrics.GbitDelivered(r);
        return gbit > 0 ? RunMetrics.TotalCpuPs(r) / 1e9 / gbit : null;
    }

    /// <summary>The group whose share of the delivered bits moved most, when it moved by more than the tolerance; else null.</summary>
    public static (string Group, double Host, double Pod)? MixDifference(RunResult host, RunResult pod)
    {
        var h = Shares(host);
        var p = Shares(pod);
        (string Group, double Host, double Pod)? worst = null;
        foreach (string group in h.Keys.Union(p.Keys))
        {
            double a = h.GetValueOrDefault(group), b = p.GetValueOrDefault(group);
            if (Math.Abs(a - b) > MixTolerancePoints && (worst is null || Math.Abs(a - b) > Math.Abs(worst.Value.Host - worst.Value.Pod)))
                worst = (group, a, b);
        }
        return worst;
    }

    /// <summary>Each group's percentage of the bits the run delivered.</summary>
    private static Dictionary<string, double> Shares(RunResult r)
    {
        double total = r.Groups.Sum(g => (double)g.Application.BytesReceived);
        return r.Groups.ToDictionary(g => g.Name, g => total > 0 ? g.Application.BytesReceived * 100.0 / total : 0, StringComparer.Ordinal);
    }
}
