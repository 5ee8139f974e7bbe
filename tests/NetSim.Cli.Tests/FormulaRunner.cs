using NetSim.Engine.Costs;
using NetSim.Engine.Packets;
using NetSim.Engine.Randomness;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Simulation;
using NetSim.Traffic.Applications;
using NetSim.Traffic.Metrics;

namespace NetSim.Cli.Tests;

/// <summary>
/// A stand-in for the cluster builder (tests only): each run's results come from a closed-form model of the
/// scenario, so the CLI's arithmetic can be checked by hand. With o = the datapath's encapsulation bytes:
/// RTT p50 = (100 µs + Services × per-Service cost of the kube-proxy mode) × (1 + 0.017·o), so VXLAN (o = 50) is
/// +85%; bulk goodput = NIC rate × (1 − 0.0096·o), so −48%; CPU per Gbit = 1000 µs × (1 + 0.0132·o), so +66%.
/// Every number is also scaled by a seed-dependent jitter of up to 1% (the same for every datapath of one seed),
/// so replications differ and ratios stay exact. Thread-safe; counts its runs; can crash after a number of runs
/// or break packet conservation.
/// </summary>
internal sealed class FormulaRunner : IScenarioRunner
{
    private int _runs;

    /// <summary>Runs after this many throw (a crash in the middle of a sweep).</summary>
    public int? FailAfter { get; init; }
    public bool BreakConservation { get; init; }
    /// <summary>A datapath given half the host path's CPU per Gbit (a broken model the comparison must catch).</summary>
    public string? CheaperDatapath { get; init; }
    public int Runs => _runs;
    public TraceRequest? LastTrace { get; private set; }

    public static double Jitter(ulong seed) => RandomStreams.SeedFor(seed, "jitter") % 1000 / 1e5;

    public static double Overhead(string datapath) => DatapathNames.EncapsulationOverhead(datapath);

    private static double PerService(string mode) => mode switch { "iptables" => 0.01, "ipvs" => 0.002, "nftables" => 0.001, _ => 0 };

    private static double PerServiceConnect(string mode) => mode switch { "iptables" => 0.05, "ipvs" => 0.004, "nftables" => 0.002, _ => 0 };

    public static double P50Us(Scenario s, string datapath) =>
        (100 + (s.Services.Count * PerService(s.KubeProxy.Mode))) * (1 + (0.017 * Overhead(datapath))) * (1 + Jitter(s.Seed));

    public static double ConnectP50Us(Scenario s, string datapath) =>
        (50 + (s.Services.Count * PerServiceConnect(s.KubeProxy.Mode))) * (1 + (0.017 * Overhead(datapath))) * (1 + Jitter(s.Seed));

    public static double GoodputBps(Scenario s, string datapath) =>
        s.Cluster.Nodes[0].Nic.RateBps * (1 - (0.0096 * Overhead(datapath))) * (1 + Jitter(s.Seed));

    public static double CpuUsPerGbit(Scenario s, string datapath) => 1000 * (1 + (0.0132 * Overhead(datapath))) * (1 + Jitter(s.Seed));

    public RunResult Run(Scenario scenario, CostProfile profile, string? datapath, RunOptions options)
    {
        int n = Interlocked.Increment(ref _runs);
        if (n > FailAfter) throw new InvalidOperationException($"simulated crash in run {n}");
        string dp = datapath ?? scenario.Cni.Datapath;
        long from = scenario.Warmup.Picoseconds, to = scenario.Duration.Picoseconds;
        double seconds = (to - from) / 1e12;
        options.Progress?.Invoke(0.5);
        if (options.PcapDirectory is not null) File.WriteAllText(Path.Combine(options.PcapDirectory, $"{dp}.pcap"), options.PcapPattern);

        var groups = new List<TrafficGroupResult>();
        int flowId = 1;
        foreach (var t in scenario.Traffic)
        {
            bool bulk = t.Kind is "bulk" or "replay";
            double p50 = P50Us(scenario, dp);
            var latency = bulk ? LatencySummary.Empty : Summary((long)Math.Round(seconds * 1e6 / p50), p50);
            var connect = t.Kind is "crr" || (!bulk && t.Protocol == "tcp") ? Summary(t.Kind == "crr" ? latency.Count : 1, ConnectP50Us(scenario, dp)) : LatencySummary.Empty;
            double goodput = bulk ? GoodputBps(scenario, dp) : 0;
            long bytes = (long)(goodput * seconds / 8);
            var flow = new FlowRecord(flowId, t.Protocol, t.From.ToString(), t.To.ToString(), "10.244.0.2", 40000, "10.244.1.2", 8080, from, to,
                bytes, bytes / 1448 + latency.Count, bytes + bytes / 1448 * 52, latency.Count, bytes, bytes, goodput, goodput * 1.036,
                bulk ? 2 : 0, bulk ? 2896 : 0, 0, bulk ? 1 : 0, 0, 30_000_000, Summary(1000, p50 / 2), new Dictionary<DropReason, long>(), 0);
            var app = new ApplicationRecord(t.Name, t.Kind, from, to, latency.Count, latency.Count / seconds, bytes, bytes, goodput,
                flow.PacketsSent, flow.PacketsReceived, 1, 0, latency, connect, [], [flowId]);
            var cdf = latency.Count == 0 ? new List<LatencyPoint>()
                : [new(latency.MinPs / 1e6, 0), new(latency.P50Ps / 1e6, 0.5), new(latency.P90Ps / 1e6, 0.9), new(latency.P99Ps / 1e6, 0.99), new(latency.MaxPs / 1e6, 1)];
            groups.Add(new TrafficGroupResult(t.Name, t.Kind, t.Protocol, t.From.ToString(), t.To.ToString(), app, [flow], cdf,
                flow.RetransmittedPackets, 0, bulk ? 3 : 0));
            flowId++;
        }

        // CPU: CPU per Gbit × Gbit delivered, split evenly over the nodes and by weight 1..k over each node's elements.
        double gbit = groups.Sum(g => (double)g.Application.BytesReceived) * 8 / 1e9;
        double cpuPerGbit = dp == CheaperDatapath ? CpuUsPerGbit(scenario, DatapathNames.Host) / 2 : CpuUsPerGbit(scenario, dp);
        long totalCpuPs = (long)Math.Round(cpuPerGbit * gbit * 1e6);
        var nodes = new List<NodeResult>();
        var elements = new List<ElementResult>();
        string[] kinds = dp == DatapathNames.Host ? ["tcp", "ip", "nic"] : Overhead(dp) > 0 ? ["tcp", "veth", "netfilter", "vxlan", "nic"] : ["tcp", "veth", "netfilter", "nic"];
        var cluster = scenario.Cluster.Nodes;
        for (int i = 0; i < cluster.Count; i++)
        {
            long busy = totalCpuPs / cluster.Count + (i == 0 ? totalCpuPs % cluster.Count : 0);
            var cores = new long[cluster[i].Cores];
            cores[0] = busy / 2;
            for (int c = 1; c < cores.Length; c++) cores[c] = (busy - cores[0]) / (cores.Length - 1) + (c == 1 ? (busy - cores[0]) % (cores.Length - 1) : 0);
            nodes.Add(new NodeResult(cluster[i].Name, cluster[i].Cores, cores));
            int weights = kinds.Length * (kinds.Length + 1) / 2;
            long left = busy;
            for (int k = 0; k < kinds.Length; k++)
            {
                long cpu = k == kinds.Length - 1 ? left : busy * (k + 1) / weights;
                left -= cpu;
                elements.Add(new ElementResult(cluster[i].Name, k == 0 ? "pod client-0" : "host", $"{kinds[k]}0", kinds[k], 100_000, cpu, cpu / 10));
            }
        }

        var conservation = new ConservationReport(1000, BreakConservation ? 989 : 990, 3, 5, 2, 0);
        var drops = groups.Any(g => g.Drops > 0) ? new List<DropCount> { new(DropReason.QueueFull, groups.Sum(g => g.Drops)) } : [];
        options.Progress?.Invoke(1.0);
        return new RunResult(scenario.Name, scenario.File, "", dp, scenario.KubeProxy.Mode, scenario.Seed, from, to, 0.5 + (n * 0.01),
            (long)(seconds * 1e6), 100L << 20, RandomStreams.SeedFor(scenario.Seed, dp), conservation, groups, elements, nodes, drops,
            ["closed-form test runner"]);
    }

    public TraceResult Trace(Scenario scenario, CostProfile profile, string? datapath, TraceRequest request)
    {
        LastTrace = request;
        string dp = datapath ?? scenario.Cni.Datapath;
        var hops = new List<(string Node, string Element, string Action, long Wire)>
        {
            ("node1", "pod client-0/eth0", "veth xmit to host", 0),
            ("node1", "nat/PREROUTING", "DNAT 10.96.0.10→10.244.1.5", 0),
        };
        if (Overhead(dp) > 0) hops.Add(("node1", "flannel.1", "VXLAN encap VNI 1", 0));
        hops.Add(("node1", "eth0", "route lookup via 172.18.0.3", 1_200_000));
        hops.Add(("node2", "eth0", "GRO, deliver to pod", 0));
        var packets = new List<TracedPacket>();
        long at = 0;
        foreach (string what in new[] { "SYN", "SYN-ACK" })
        {
            long sent = at;
            var records = new List<HopRecord>();
            for (int i = 0; i < hops.Count; i++)
            {
                long cpu = 1000L * (i + 1) * 1000, queue = 100_000;
                at += cpu + queue + hops[i].Wire;
                records.Add(new HopRecord(at, hops[i].Node, hops[i].Element, hops[i].Action, cpu, queue, hops[i].Wire));
            }
            packets.Add(new TracedPacket(what, sent, 74 + (int)Overhead(dp), records));
        }
        return new TraceResult(dp, request.From.ToString(), request.To.ToString(), packets, at);
    }

    private static LatencySummary Summary(long count, double p50Us)
    {
        long P(double f) => (long)Math.Round(p50Us * f * 1e6);
        return new LatencySummary(count, P(0.9), p50Us * 1.1 * 1e6, P(1), P(1.2), P(1.5), P(2), P(3));
    }
}
