using NetSim.Experiments.Results;
using System.Globalization;
using NetSim.Reporting.Records;
using NetSim.Topologies.Simulation;

namespace NetSim.Cli.Reports;

/// <summary>
/// One run's results as the tidy records the CSV files hold (Reporting's records): traffic summary, latency
/// distributions and CDFs, flows, per-element time (hops) and CPU, nodes, drops, the latency budget, and RunInfo.
/// </summary>
public sealed record RunTables(
    string Datapath,
    RunResult Result,
    IReadOnlyList<GroupSummary> Summary,
    IReadOnlyList<LatencyRow> Latency,
    IReadOnlyList<CdfRow> Cdf,
    IReadOnlyList<FlowRow> Flows,
    IReadOnlyList<HopRow> Hops,
    IReadOnlyList<CpuRow> Cpu,
    IReadOnlyList<NodeCpuRow> Nodes,
    IReadOnlyList<DropRow> Drops,
    IReadOnlyList<BudgetRow> Budget,
    RunInfo Info)
{
    /// <summary>The budget segment for the time of a round trip no element worked on the packets: interrupt moderation, wake-ups, timers.</summary>
    public const string WireAndOther = "waiting and other";

    /// <summary>The traced steady-state request/response, hop by hop (walk.csv).</summary>
    public IReadOnlyList<WalkRow> Walk { get; init; } = [];

    /// <summary>What changed in the cluster during the run, in time order (events.csv).</summary>
    public IReadOnlyList<EventRow> Events { get; init; } = [];

    /// <summary>With events: each group's rates step by step through the run (timeline.csv).</summary>
    public IReadOnlyList<ThroughputRow> Throughput { get; init; } = [];

    /// <summary>Every Service proxy sync of a run with events (proxy_syncs.csv).</summary>
    public IReadOnlyList<ProxySyncRow> ProxySyncs { get; init; } = [];

    /// <summary>The cluster's devices (topology.csv).</summary>
    public IReadOnlyList<TopologyRow> Topology { get; init; } = [];

    public static RunTables From(RunResult r, string datapath, string resolvedScenarioSha256, string version)
    {
        double gbit = RunMetrics.GbitDelivered(r);
        double cpuPerGbit = gbit > 0 ? RunMetrics.TotalCpuPs(r) / 1e6 / gbit : 0;
        double measuredPs = Math.Max(1, r.MeasuredToPs - r.MeasuredFromPs);
        var busyByNode = r.Nodes.ToDictionary(n => n.Node, n => n.BusyPs, StringComparer.Ordinal);

        var summary = r.Groups.Select(g =>
        {
            var a = g.Application;
            var t = a.TransactionLatency;
            bool latency = t.Count > 0; // a stream has no transactions: its latency cells stay empty, not 0
            return new GroupSummary(datapath, g.Name, g.Kind, a.GoodputBitsPerSecond / 1e9, latency ? t.P50Ps / 1e6 : null, latency ? t.P90Ps / 1e6 : null,
                latency ? t.P99Ps / 1e6 : null, latency ? t.P999Ps / 1e6 : null, latency ? a.TransactionsPerSecond : null, g.Retransmissions, g.Drops,
                cpuPerGbit > 0 ? cpuPerGbit : null, a.DnsLatency is { Count: > 0 } d ? d.P50Ps / 1e6 : null,
                a.DnsLatency is { Count: > 0 } d2 ? d2.P99Ps / 1e6 : null, a.DnsLatency is null ? null : a.DnsTimeouts,
                g.Flows.Count > 0 ? g.Flows.Max(f => f.LongestGapPs) / 1e6 : 0, g.Timeouts, a.ConnectFailures,
                latency ? t.MaxPs / 1e6 : null, g.Flows.Count(f => f.Unanswered));
        }).ToList();

        var latency = new List<LatencyRow>();
        foreach (var g in r.Groups)
        {
            Add(latency, datapath, g.Name, "transaction", g.Application.TransactionLatency);
            Add(latency, datapath, g.Name, "connect", g.Application.ConnectLatency);
            if (g.Application.DnsLatency is { } dns) Add(latency, datapath, g.Name, "dns", dns);
            if (g.Application.TransferLatency is { } transfer) Add(latency, datapath, g.Name, "transfer", transfer);
            // Percentiles of different flows cannot be merged; the busiest flow stands for the group (exact for one stream).
            var busiest = g.Flows.OrderByDescending(f => f.OneWayLatency.Count).ThenBy(f => f.FlowId).FirstOrDefault();
            if (busiest is not null) Add(latency, datapath, g.Name, "one_way", busiest.OneWayLatency);
        }

        var cdf = r.Groups.SelectMany(g => g.LatencyCdf.Select(p => new CdfRow(datapath, g.Name, p.LatencyUs, p.Fraction))).ToList();

        var flows = r.Groups.SelectMany(g => g.Flows.Select(f => new FlowRow(datapath, g.Name, f.FlowId, f.Source, f.Destination, f.Protocol,
            f.BytesDelivered, f.PacketsSent, f.GoodputBitsPerSecond / 1e9, f.WireBitsPerSecond / 1e9, f.RetransmittedPackets, f.Timeouts,
            f.StartPs / 1e6, f.EndPs / 1e6, f.LongestGapPs / 1e6, f.Drops.Values.Sum()))).ToList();

        var hops = r.Elements.Select(e => new HopRow(datapath, e.Node, ElementName(e), e.Kind, e.Packets,
            e.Packets > 0 ? e.CpuPs / 1e3 / e.Packets : 0, e.Packets > 0 ? e.QueuePs / 1e3 / e.Packets : 0)).ToList();

        var cpu = r.Elements.Select(e => new CpuRow(datapath, e.Node, ElementName(e), e.CpuPs / 1e6,
            busyByNode.TryGetValue(e.Node, out long busy) && busy > 0 ? e.CpuPs / (double)busy : 0,
            gbit > 0 ? e.CpuPs / 1e6 / gbit : 0)).ToList();

        var nodes = r.Nodes.Select(n => new NodeCpuRow(datapath, n.Node, n.Cores, n.BusyPs / measuredPs,
            n.BusyPsPerCore.Count > 0 ? n.BusyPsPerCore.Max() / measuredPs : 0)).ToList();

        var drops = r.Drops.Where(d => d.Packets > 0).Select(d => new DropRow(datapath, d.Reason.ToString(), d.Packets)).ToList();

        var info = new RunInfo(r.Scenario, resolvedScenarioSha256, datapath, r.Seed, version, r.SimulatedSeconds, r.WallSeconds, r.Events,
            r.WallSeconds > 0 ? r.Events / r.WallSeconds : 0, r.PeakMemoryBytes / (1024.0 * 1024.0),
            "0x" + r.Fingerprint.ToString("x16", CultureInfo.InvariantCulture), r.Conservation.ToString());

        return new RunTables(datapath, r, summary, latency, cdf, flows, hops, cpu, nodes, drops, BudgetOf(r, datapath), info)
        {
            Walk = WalkOf(r.TransactionTrace, datapath),
            Throughput = r.Throughput.Select(t => new ThroughputRow(datapath, t.Group, t.FromPs / 1e9, t.ToPs / 1e9, t.TransactionsPerSecond, t.BitsPerSecond / 1e9)).ToList(),
            Events = r.Timeline.Select(t => new EventRow(datapath, t.AtPs / 1e9, t.Kind, t.Target, t.What)).ToList(),
            ProxySyncs = r.ProxySyncs.Select(p => new ProxySyncRow(datapath, p.Mode, p.StartPs / 1e9, (p.EndPs - p.StartPs) / 1e9, p.ServicePorts, p.Rules,
                p.ChangedPorts, p.Nodes, p.FirstPacketPs / 1e9)).ToList(),
            Topology = r.Devices.Select(d => new TopologyRow(datapath, d.Node, d.Namespace, d.Device, d.Kind, d.Address, d.Master, d.Peer)).ToList(),
        };
    }

    /// <summary>Every hop of the traced request/response, times from the request's send (µs).</summary>
    public static IReadOnlyList<WalkRow> WalkOf(TraceResult? trace, string datapath)
    {
        if (trace is null || trace.Packets.Count == 0) return [];
        long t0 = trace.Packets.Min(p => p.SentAtPs);
        return trace.Packets.SelectMany((p, i) => p.Hops.Select((h, k) => new WalkRow(datapath, i + 1, p.What, (p.SentAtPs - t0) / 1e6, k + 1, h.Node, h.Element,
            trace.KindOf(h), h.Action, h.CpuPs / 1e3, h.QueuePs / 1e3, h.WirePs / 1e3, (h.At - t0) / 1e6))).ToList();
    }

    /// <summary>"namespace/element" when the element lives in a named namespace.</summary>
    /// <summary>"namespace/element", without repeating a namespace the element's own name starts with ("host/ip_output").</summary>
    public static string ElementName(ElementResult e) =>
        e.Namespace.Length == 0 || e.Element.StartsWith(e.Namespace + "/", StringComparison.Ordinal) ? e.Element : $"{e.Namespace}/{e.Element}";

    /// <summary>
    /// Where the measured mean transaction latency goes, by element kind (CPU and queueing of the traced
    /// steady-state transaction's request and response, in the order kinds first appear on the path, and the wire),
    /// with the rest of the measured mean as <see cref="WireAndOther"/>: the bars add up to the mean `run` reports.
    /// Empty when the run had no transactions.
    /// </summary>
    public static IReadOnlyList<BudgetRow> BudgetOf(RunResult r, string datapath)
    {
        long transactions = r.Groups.Sum(g => g.Application.TransactionLatency.Count);
        if (transactions == 0) return [];
        var group = r.Groups.FirstOrDefault(g => g.Kind == "rr" && g.Application.TransactionLatency.Count > 0);
        double meanUs = group is not null ? group.Application.TransactionLatency.MeanPs / 1e6
            : r.Groups.Sum(g => g.Application.TransactionLatency.MeanPs * g.Application.TransactionLatency.Count) / transactions / 1e6;
        var rows = new List<BudgetRow>();
        if (r.TransactionBudget.Count > 0 && group is not null)
        {
            rows.AddRange(r.TransactionBudget.Select(b => new BudgetRow(datapath, b.Kind, b.Us)));
        }
        else
        {
            foreach (var kind in r.Elements.Select(e => e.Kind).Distinct(StringComparer.Ordinal))
            {
                double ps = r.Elements.Where(e => e.Kind == kind).Sum(e => (double)e.CpuPs + e.QueuePs);
                rows.Add(new BudgetRow(datapath, kind, ps / transactions / 1e6));
            }
        }
        double rest = meanUs - rows.Sum(b => b.UsPerTransaction);
        if (rest > 0) rows.Add(new BudgetRow(datapath, WireAndOther, rest));
        return rows;
    }

    private static void Add(List<LatencyRow> rows, string datapath, string group, string metric, NetSim.Traffic.Metrics.LatencySummary s)
    {
        if (s.Count == 0) return;
        rows.Add(new LatencyRow(datapath, group, metric, s.Count, s.MeanPs / 1e6, s.MinPs / 1e6, s.P50Ps / 1e6, s.P90Ps / 1e6, s.P99Ps / 1e6,
            s.P999Ps / 1e6, s.MaxPs / 1e6));
    }
}
