using System.Diagnostics;
using NetSim.Engine.Core;
using NetSim.Engine.Costs;
using NetSim.Engine.Elements;
using NetSim.Engine.Packets;
using NetSim.Topologies.Build.Cni;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Simulation;
using NetSim.Traffic.Metrics;

namespace NetSim.Topologies.Build;

/// <summary>
/// The real <see cref="IScenarioRunner"/>: builds the scenario's cluster over a datapath, starts its traffic, runs
/// the warm-up and then the measured interval, checks packet conservation, and collects every result.
/// </summary>
public sealed class ClusterSimulation : IScenarioRunner
{
    public RunResult Run(Scenario scenario, CostProfile profile, string? datapath, RunOptions options)
    {
        if (options.ExactCosts) profile = profile.WithExactCosts();
        var s = datapath is null ? scenario : ScenarioLoader.WithDatapath(scenario, datapath);
        var result = RunBuilt(s, profile, options);
        if (!s.Traffic.Any(t => t.Kind == "rr")) return result;
        // The budget's cluster is built only now, and the run's collected first (it is garbage, but a concurrent GC
        // would let the heap grow by a second cluster before reclaiming it): one cluster in memory at a time, not two.
        GC.Collect();
        var walk = BudgetTrace(s, profile);
        return walk is null ? result : result with { TransactionBudget = Budget(walk), TransactionTrace = walk };
    }

    /// <summary>Builds, runs and collects the scenario; nothing of its cluster is reachable from the result.</summary>
    private static RunResult RunBuilt(Scenario s, CostProfile profile, RunOptions options)
    {
        var wall = Stopwatch.StartNew();
        var cluster = ClusterBuilder.Build(s, profile);
        var sim = cluster.Context.Sim;
        var flows = new FlowTable(() => new MeasuredRecorder(sim, s.Warmup.Picoseconds));
        flows.Attach(cluster.Context.Pool);
        var services = new ServiceWiring(cluster);
        services.Program();
        var traffic = new TrafficWiring(cluster, flows) { ResolveService = services.Resolve, Services = services };
        traffic.WireAll();
        var dynamics = new Dynamics.ClusterDynamics(cluster, services, Dynamics.ControlPlaneTimers.Resolve(s, profile), traffic);
        dynamics.Schedule();
        var sampler = s.Events.Count > 0 ? new Dynamics.ThroughputSampler(sim, traffic.Apps, s.Duration) : null;
        sampler?.Start();
        double buildSeconds = wall.Elapsed.TotalSeconds;
        using var captures = options.PcapPattern is { } pattern && options.PcapDirectory is { } dir ? new PcapCaptures(cluster, pattern, dir, options.PcapLimitBytes) : null;
        options.BeforeRun?.Invoke(cluster);
        if (options.Threads > 1) Split(s, cluster, options);
        var at = new Snapshot();
        try
        {
            RunInSteps(sim, s.Warmup, options, s.Duration);
            at.Take(cluster, traffic);
            RunInSteps(sim, s.Duration, options, s.Duration);
        }
        finally
        {
            sim.EndSplit();
        }
        wall.Stop();
        options.AfterRun?.Invoke(cluster);
        var result = Collect(s, cluster, traffic, at, wall.Elapsed.TotalSeconds, services) with
        {
            TransactionBudget = [],
            TransactionTrace = null,
            Devices = DeviceInventory.Of(cluster),
            BuildSeconds = buildSeconds,
            Timeline = dynamics.Timeline,
            ProxySyncs = dynamics.ProxySyncs,
            Throughput = sampler?.Samples ?? [],
        };
        result = result with { Notes = [.. result.Notes, .. traffic.NotStarted, .. PingSummaries(traffic, sim.NowPicoseconds), .. ReplaySummaries(result), .. TimelineNotes(dynamics.Timeline), .. OutageSummaries(result), .. services.CloudLoadBalancer?.Notes ?? []] };
        if (captures is not null)
        {
            result = result with { Notes = [.. result.Notes, $"pcap: {captures.Files.Count} interfaces captured ({string.Join(", ", captures.Files.Take(6))}{(captures.Files.Count > 6 ? ", ..." : "")})"] };
            if (captures.Capped.Count > 0)
                result = result with { Notes = [.. result.Notes, $"pcap: {captures.Capped.Count} files reached the size limit and were cut there ({string.Join(", ", captures.Capped.Take(4))}{(captures.Capped.Count > 4 ? ", ..." : "")}); --pcap-limit raises it"] };
        }
        return result;
    }

    /// <summary>
    /// One TCP_RR transaction (1-byte request and response, after the handshake) from one endpoint to another with
    /// every packet traced; returns each packet's walk in the order the packets were sent.
    /// </summary>
    public TraceResult Trace(Scenario scenario, CostProfile profile, string? datapath, TraceRequest request) =>
        TraceExchange(scenario, request.ExactCosts ? profile.WithExactCosts() : profile.WithMeanCosts(), datapath, request);

    private static TraceResult TraceExchange(Scenario scenario, CostProfile profile, string? datapath, TraceRequest request)
    {
        var s = datapath is null ? scenario : ScenarioLoader.WithDatapath(scenario, datapath);
        var cluster = ClusterBuilder.Build(s, profile);
        var ctx = cluster.Context;
        var traced = new List<TracedPacket>();
        var frames = new FrameSizeTap();
        foreach (var n in cluster.Nodes.Concat(cluster.Externals)) n.Eth0.Tap ??= frames;
        ctx.Pool.TraceNewPackets = true;
        ctx.Pool.TraceFinished = p => traced.Add(new TracedPacket(PacketDescription.Of(p), p.CreatedAt, p.Length, p.Trace!.Hops.ToList())
        {
            NicFrameBytes = frames.Largest.GetValueOrDefault(p.Id),
            PayloadBytes = p.PayloadLength,
            Dns = PacketDescription.IsDns(p),
        });
        var flows = new FlowTable(() => new MeasuredRecorder(ctx.Sim, 0));
        var services = new ServiceWiring(cluster);
        services.Program();
        var wiring = new TrafficWiring(cluster, flows) { ResolveService = services.Resolve, Services = services };
        // An ICMP probe is ping echoes of iputils' default 56 bytes (1 ms apart); anything else TCP_RR transactions. The
        // steady state is the last of WarmupExchanges + 1 exchanges on one connection, as a run's transactions are.
        bool icmp = request.Protocol == "icmp";
        // A name that leads to no Service of the cluster (an outside name, an ExternalName) is traced as its lookup alone.
        bool lookupOnly = request.To.Kind == EndpointKind.Dns && !LeadsToService(s, request.To.Name);
        int exchanges = request.SteadyState && !lookupOnly ? TraceRequest.WarmupExchanges + 1 : 1;
        var spec = new TrafficSpec("trace", icmp ? "ping" : lookupOnly ? "dns" : "rr", request.From, request.To, icmp ? "icmp" : lookupOnly ? "udp" : "tcp", SimTime.Zero,
            icmp ? null : SimTime.FromSeconds(1), 1, 0, 0, 1, 1, 1, "cubic", null, null, null, exchanges) { Interval = SimTime.FromMilliseconds(1) };
        var rtts = new List<long>();
        wiring.Wire(spec, 0, request.Port);
        if (wiring.Apps[0].Metrics.TransactionLatency is MeasuredRecorder recorder) recorder.Observer = rtts.Add;
        ctx.Sim.RunUntil(SimTime.FromSeconds(1));
        var kinds = new Dictionary<(string Node, string Element), string>();
        foreach (var n in cluster.Nodes.Concat(cluster.Externals))
            foreach (var e in n.Context.Elements) kinds[(n.Name, e.Name)] = ElementKinds.Of(e);
        traced.Sort((a, b) => a.SentAtPs.CompareTo(b.SentAtPs));
        // To dns:NAME the lookup comes first: its packets (all of them, each query and answer) and then the exchange.
        var packets = request.To.Kind == EndpointKind.Dns
            ? [.. traced.Where(p => p.Dns).Concat(exchanges == 1 ? traced.Where(p => !p.Dns) : LastExchange([.. traced.Where(p => !p.Dns)])).OrderBy(p => p.SentAtPs)]
            : exchanges == 1 ? traced : LastExchange(traced);
        return new TraceResult(s.Cni.Datapath, request.From.ToString(), request.To.ToString(), packets, rtts.Count > 0 ? rtts[^1] : 0) { Kinds = kinds };
    }

    private static bool LeadsToService(Scenario s, string name) =>
        s.Services.Any(v => v.Type != ServiceSpec.ExternalNameType && Dns.ClusterDns.Names(v, name, s.Dns.ClusterDomain));

    /// <summary>
    /// The packets of the last request/response: from the last request (the last data packet but one) to the
    /// response's delivery, with the ACKs in between; the connection's close after it is left out.
    /// </summary>
    private static List<TracedPacket> LastExchange(List<TracedPacket> traced)
    {
        var data = traced.Where(p => p.PayloadBytes > 0).ToList();
        if (data.Count < 2) return traced;
        var request = data[^2];
        var response = data[^1];
        long delivered = response.Hops.Count > 0 ? response.Hops[^1].At : response.SentAtPs;
        return traced.Where(p => p.SentAtPs >= request.SentAtPs && p.SentAtPs <= delivered).ToList();
    }

    /// <summary>
    /// The steady-state transaction of the first request/response group, traced on a fresh cluster at the profile's
    /// mean costs (nothing drawn): what the budget and the report's packet walk show, whose bars add up to the run's
    /// mean. Null when the scenario has no request/response traffic.
    /// </summary>
    private static TraceResult? BudgetTrace(Scenario s, CostProfile profile)
    {
        var rr = s.Traffic.FirstOrDefault(t => t.Kind == "rr");
        return rr is null ? null : TraceExchange(s, profile.WithMeanCosts(), null, new TraceRequest(rr.From, rr.To, 0) { SteadyState = true });
    }

    /// <summary>
    /// The latency budget of one transaction: the traced request's and response's hops added up by element kind
    /// (CPU and queueing; "wire" is serialization, propagation and switching). The round trip's rest is waiting
    /// (interrupt moderation, wake-ups), which the report adds against the run's measured mean.
    /// </summary>
    private static List<(string Kind, double Us)> Budget(TraceResult trace)
    {
        var budget = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var packet in trace.Packets.Where(p => p.PayloadBytes > 0))
            foreach (var hop in packet.Hops)
            {
                string kind = trace.KindOf(hop);
                budget[kind] = budget.GetValueOrDefault(kind) + (hop.CpuPs + hop.QueuePs + hop.WirePs) / 1e6;
            }
        return budget.Select(kv => (kv.Key, kv.Value)).ToList();
    }

    /// <summary>Divides the run's nodes among <see cref="RunOptions.Threads"/> threads (refused up front when it cannot be).</summary>
    private static void Split(Scenario s, BuiltCluster cluster, RunOptions options)
    {
        if (ClusterPartitioner.Refusal(s, options) is { } why)
            throw new InvalidOperationException($"--threads {options.Threads}: {s.Name} cannot be split across threads: {why}");
        var plan = ClusterPartitioner.Plan(cluster, options.Threads);
        cluster.Context.Pool.UsePartitions(plan.Count);
        cluster.Context.Sim.Split(plan);
    }

    /// <summary>Runs to <paramref name="until"/> in slices so progress can be reported.</summary>
    private static void RunInSteps(Simulator sim, SimTime until, RunOptions options, SimTime total)
    {
        const int Slices = 20;
        long step = Math.Max(1, total.Picoseconds / Slices);
        while (sim.NowPicoseconds < until.Picoseconds)
        {
            long next = Math.Min(until.Picoseconds, (sim.NowPicoseconds / step + 1) * step);
            sim.RunUntil(new SimTime(next));
            options.Progress?.Invoke(sim.NowPicoseconds / (double)total.Picoseconds);
        }
    }

    private static RunResult Collect(Scenario s, BuiltCluster cluster, TrafficWiring traffic, Snapshot at, double wallSeconds, ServiceWiring services)
    {
        var ctx = cluster.Context;
        long now = ctx.Sim.NowPicoseconds;
        var holders = ctx.Nodes.Concat(cluster.Externals).SelectMany(n => n.Context.Holders).Concat(ctx.Fabric.Holders);
        var conservation = PacketConservation.Check(ctx.Sim, ctx.Pool, holders);
        var flowRecords = traffic.Flows.Snapshot(now);
        var flowsOf = FlowsByApp(traffic.Apps, flowRecords);
        var groups = traffic.Apps.Select((a, i) => Group(a, flowsOf[i], at, now, s.Warmup.Picoseconds)).ToList();
        var elements = ctx.Nodes.Concat(cluster.Externals).SelectMany(n => n.Context.Elements.Select(e => Element(n, e, at))).Where(e => e.Packets > 0 || e.CpuPs > 0).ToList();
        // Nodes that share one machine's cores (cluster.shared_cpu) are one CPU, reported once as "node1+node2".
        var nodes = ctx.Nodes.GroupBy(n => n.Context.Cpu, ReferenceEqualityComparer.Instance).Select(g => g.ToList()).Select(g =>
            new NodeResult(string.Join("+", g.Select(n => n.Name)), g[0].Spec.Cores,
                g[0].Context.Cpu.Cores.Select(c => c.BusyThrough(now) - at.CoreBusy.GetValueOrDefault((g[0].Name, c.Index))).ToList())).ToList();
        var drops = Enum.GetValues<DropReason>().Select(r => new DropCount(r, ctx.Pool.Dropped(r))).Where(d => d.Packets > 0).ToList();
        var invariants = RunInvariants.Check(cluster, services, traffic, groups, at.Buffered, s.Warmup.Picoseconds, now);
        return new RunResult(s.Name, s.File, s.Sha256, s.Cni.Datapath, s.KubeProxy.Mode, s.Seed, s.Warmup.Picoseconds, now, wallSeconds,
            ctx.Sim.EventsProcessed, Process.GetCurrentProcess().PeakWorkingSet64, ctx.Sim.Fingerprint, conservation,
            groups, elements, nodes, drops, Notes(cluster, services)) { Invariants = invariants, NetworkPolicy = PolicyState(s) };
    }

    /// <summary>Each app's flow records in the table's order, in one pass over the flows (not a pass per app: thousands of groups).</summary>
    private static List<FlowRecord>[] FlowsByApp(List<TrafficApp> apps, IReadOnlyList<FlowRecord> flows)
    {
        var owners = new Dictionary<int, List<int>>();
        for (int i = 0; i < apps.Count; i++)
            foreach (int id in apps[i].Metrics.FlowIds)
            {
                if (!owners.TryGetValue(id, out var list)) owners[id] = list = [];
                if (list.Count == 0 || list[^1] != i) list.Add(i);
            }
        var mine = new List<FlowRecord>[apps.Count];
        for (int i = 0; i < mine.Length; i++) mine[i] = [];
        foreach (var f in flows)
            if (owners.TryGetValue(f.FlowId, out var apps0))
                foreach (int i in apps0) mine[i].Add(f);
        return mine;
    }

    private static TrafficGroupResult Group(TrafficApp app, List<FlowRecord> mine, Snapshot at, long now, long warmupPs)
    {
        var end = app.Snapshot(now);
        var start = at.Apps.GetValueOrDefault(app.Spec.Name);
        double seconds = Math.Max(1e-12, (Math.Min(now, end.EndPs) - Math.Max(warmupPs, end.StartPs)) / 1e12);
        long transactions = end.Transactions - (start?.Transactions ?? 0);
        long bytes = end.BytesReceived - (start?.BytesReceived ?? 0);
        var measured = end with
        {
            Transactions = transactions,
            TransactionsPerSecond = transactions / seconds,
            BytesReceived = bytes,
            GoodputBitsPerSecond = bytes * 8 / seconds,
        };
        return new TrafficGroupResult(app.Spec.Name, app.Spec.Kind, app.Spec.Protocol, app.From, app.To, measured, mine,
            Cdf(app.Metrics.TransactionLatency), mine.Sum(f => f.RetransmittedPackets), mine.Sum(f => f.Timeouts),
            mine.Sum(f => f.Drops.Values.Sum()));
    }

    /// <summary>CDF points at every percentile 1..99 and 99.9 (enough for a smooth chart).</summary>
    private static List<LatencyPoint> Cdf(ILatencyRecorder r)
    {
        if (r.Count == 0) return new();
        var points = Enumerable.Range(1, 99).Select(p => (double)p).Append(99.9).Append(100);
        return points.Select(p => new LatencyPoint(r.PercentilePicoseconds(p) / 1e6, p / 100)).ToList();
    }

    private static ElementResult Element(BuiltNode node, PacketElement e, Snapshot at)
    {
        var (packets, cpu, queue) = at.Elements.GetValueOrDefault(e);
        string ns = e is Datapaths.Common.DatapathElement d ? d.Namespace.Name : "nic";
        return new ElementResult(node.Name, ns, e.Name, ElementKinds.Of(e), e.Stats.Packets - packets, e.Stats.CpuPs - cpu, e.Stats.QueuePs - queue);
    }

    private static List<string> Notes(BuiltCluster cluster, ServiceWiring services)
    {
        var notes = new List<string>();
        if (services.Proxies.Count > 0)
            notes.Add($"kube-proxy {cluster.Context.Scenario.KubeProxy.Mode}: {cluster.Context.Scenario.Services.Count} Services, {services.RuleCount / services.Proxies.Count} rules per node");
        if (cluster.Network is CalicoNetwork calico)
            notes.Add($"BGP ({cluster.Context.Scenario.Cni.BgpTopology}, {calico.BgpSessions} sessions) converged in {calico.BgpConvergence} before traffic started");
        if (cluster.Network is AwsVpcNetwork aws) notes.AddRange(aws.Notes());
        if (WeaveOverlay.Fallback(cluster.Context.Scenario.Cni, cluster.Context.Scenario.Cluster.Nodes.Min(n => n.Nic.Mtu)) is { } sleeve)
            notes.Add($"weave falls back to sleeve: {sleeve}");
        notes.Add($"pod MTU {cluster.Network.PodMtu(cluster.Nodes[0])}");
        // Multus' k8s.v1.cni.cncf.io/network-status of each pod it attached more than eth0 to (the first ten).
        var attached = cluster.Pods.Where(p => p.NetworkStatus.Count > 1).ToList();
        foreach (var p in attached.Take(10))
            notes.Add($"network-status {p.Placed.Namespace}/{p.Name}: {NetSim.Topologies.Cni.Plugins.NetworkStatus.Annotation(p.NetworkStatus)}");
        if (attached.Count > 10) notes.Add($"network-status: {attached.Count - 10} more pods with secondary networks");
        var s0 = cluster.Context.Scenario;
        if (s0.Cni.ConflistText is not null && cluster.Nodes[0].Runtime is { } runtime)
            notes.Add($"CNI VERSION: network {runtime.Network.Name} runs cniVersion {runtime.Network.SelectedVersion}; " + string.Join("; ",
                runtime.ValidateNetwork().GroupBy(t => string.Join(" ", runtime.PluginVersion(t)["supportedVersions"]!.AsArray().Select(v => v!.GetValue<string>())))
                    .Select(g => $"{string.Join(", ", g)} support {g.Key}")));
        if (cluster.SandboxFailures.Count > 0)
            notes.Add($"warning: {cluster.SandboxFailures.Count} pods failed CNI ADD and stay ContainerCreating ({cluster.Pods.Count(p => !p.Placed.HostNetwork)} pods have a sandbox); each is a cni_add_failed entry in events.csv");
        var s = cluster.Context.Scenario;
        if (PolicyState(s) == "not enforced")
            notes.Add($"warning: {s.Cni.Datapath} has no NetworkPolicy agent: the scenario's {s.NetworkPolicies.Count} NetworkPolicies are NOT enforced (as on a real cluster)");
        else if (s.NetworkPolicies.Count > 0)
        {
            int read = s.NetworkPolicies.Count(p => PolicyWiring.Reads(s.Cni, p.Policy));
            notes.Add($"NetworkPolicy: {read} policies enforced in the {s.Cni.Datapath} datapath; denied packets are drops with reason PolicyDenied");
            foreach (var kind in s.NetworkPolicies.Where(p => !PolicyWiring.Reads(s.Cni, p.Policy)).GroupBy(p => p.Policy.Kind))
                notes.Add($"warning: {s.Cni.Datapath}'s policy agent does not read {kind.Key} ({kind.Count()} objects): NOT enforced (as on a real cluster)");
        }
        return notes;
    }

    private static string PolicyState(Scenario s) =>
        s.NetworkPolicies.Count == 0 ? "" : s.Cni.Datapath == DatapathNames.Host ? "n/a (no pods)" : PolicyWiring.Enforces(s.Cni) ? "enforced" : "not enforced";

    /// <summary>A line per timeline entry: what changed in the cluster during the run, and when.</summary>
    private static IEnumerable<string> TimelineNotes(List<TimelineEntry> timeline) =>
        timeline.Select(t => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"event at {t.AtPs / 1e9:0.###} ms: {t.Kind} {t.Target}: {t.What}"));

    /// <summary>
    /// With events, per group that suffered: its longest delivery gap, retransmission timeouts, and the connections
    /// nobody answered with when they were opened (for open-loop traffic, the error rate and the window it covers).
    /// </summary>
    private static IEnumerable<string> OutageSummaries(RunResult result)
    {
        if (result.Timeline.All(t => t.Kind == "cni_add_failed")) yield break; // no event disturbed the traffic
        foreach (var g in result.Groups)
        {
            var flows = g.Flows;
            long gap = flows.Count > 0 ? flows.Max(f => f.LongestGapPs) : 0;
            var unanswered = flows.Where(f => f.Unanswered).Select(f => f.StartPs).Order().ToList();
            int connections = flows.Count(f => f.Protocol == "tcp" && (f.Unanswered || f.ConnectionSetupPs >= 0));
            string lost = g.Kind == "ping" ? $"{g.Application.Lost} of {g.Application.PacketsSent} echoes lost"
                : connections == 0 ? "no connections (not TCP)"
                : unanswered.Count == 0 ? "every connection answered"
                : $"{unanswered.Count} of {connections} connections never answered ({100.0 * unanswered.Count / Math.Max(1, connections):0.#} %), opened {unanswered[0] / 1e9:0.###} to {unanswered[^1] / 1e9:0.###} ms";
            yield return string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"outage {g.Name}: longest delivery gap {gap / 1e9:0.###} ms, {g.Timeouts} retransmission timeouts, {lost}");
        }
    }

    /// <summary>ping's own summary line per ping group (whole run, warm-up included, as ping counts from its start).</summary>
    private static IEnumerable<string> PingSummaries(TrafficWiring traffic, long nowPs)
    {
        foreach (var app in traffic.Apps.Where(a => a.Spec.Kind == "ping"))
        {
            var r = app.Snapshot(nowPs);
            long received = r.PacketsReceived;
            double loss = r.PacketsSent == 0 ? 0 : 100.0 * r.Lost / r.PacketsSent;
            yield return string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"ping {app.Spec.Name}: {r.PacketsSent} packets transmitted, {received} received, {r.Lost} lost ({loss:0.#}% packet loss), {r.PacketsSent - received - r.Lost} in flight");
        }
    }

    /// <summary>Per replay group: its flows and their completion times (each TCP flow's from its start to its close).</summary>
    private static IEnumerable<string> ReplaySummaries(RunResult result)
    {
        foreach (var g in result.Groups.Where(g => g.Kind == "replay"))
        {
            var done = g.Flows.Where(f => f.Protocol == "tcp" && f.EndPs > f.StartPs).Select(f => (f.EndPs - f.StartPs) / 1e6).Order().ToList();
            if (done.Count == 0) continue;
            yield return string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"replay {g.Name}: {g.Flows.Count} flows, {done.Count} TCP flows completed in {done[0]:0.0} to {done[^1]:0.0} µs (median {done[done.Count / 2]:0.0} µs); each flow's start_us and end_us are in flows.csv");
        }
    }

    /// <summary>The largest frame each packet was on any node's eth0 (the outer, encapsulated size on the wire).</summary>
    private sealed class FrameSizeTap : IPacketTap
    {
        public Dictionary<long, int> Largest { get; } = new();

        public void Capture(Packet packet, long timePs) => Largest[packet.Id] = Math.Max(Largest.GetValueOrDefault(packet.Id), packet.Length);
    }

    /// <summary>Counters at the end of the warm-up, subtracted from the final ones.</summary>
    private sealed class Snapshot
    {
        public Dictionary<PacketElement, (long Packets, long Cpu, long Queue)> Elements { get; } = new(ReferenceEqualityComparer.Instance);
        public Dictionary<(string Node, int Core), long> CoreBusy { get; } = new();
        public Dictionary<string, Traffic.Applications.ApplicationRecord> Apps { get; } = new(StringComparer.Ordinal);
        /// <summary>Per traffic group: bytes its sockets had received but its application not yet read.</summary>
        public Dictionary<string, long> Buffered { get; } = new(StringComparer.Ordinal);

        public void Take(BuiltCluster cluster, TrafficWiring traffic)
        {
            long now = cluster.Context.Sim.NowPicoseconds;
            foreach (var n in cluster.Nodes.Concat(cluster.Externals))
            {
                foreach (var e in n.Context.Elements) Elements[e] = (e.Stats.Packets, e.Stats.CpuPs, e.Stats.QueuePs);
                foreach (var c in n.Context.Cpu.Cores) CoreBusy[(n.Name, c.Index)] = c.BusyThrough(now);
            }
            foreach (var a in traffic.Apps)
            {
                Apps[a.Spec.Name] = a.Snapshot(now);
                Buffered[a.Spec.Name] = a.Metrics.FlowIds.Sum(id => traffic.Flows[id].BytesReceived - traffic.Flows[id].BytesDelivered);
            }
        }
    }
}
