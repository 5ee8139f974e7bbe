using System.Globalization;
using NetSim.Engine.Packets;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Simulation;

namespace NetSim.Topologies.Build;

/// <summary>
/// The physical invariants checked at the end of every run, as packet conservation is: what a real network could
/// not do, a run must not report. A run that breaks one fails (exit code 1) with the invariant named.
/// </summary>
public static class RunInvariants
{
    public const string Wire = "goodput within the wire";
    public const string CoreTime = "no core busier than the time that passed";
    public const string CoreBacklog = "no core booked far past the present";
    public const string BoundedQueues = "every queue bounded";

    /// <summary>RX work one NAPI poll may hand up at once (the budget): frames a receiver may hold at the window's start.</summary>
    private const int NapiBudgetFrames = 64;
    /// <summary>Ethernet header, FCS, preamble and inter-frame gap around each frame's IP packet.</summary>
    private const int FramingBytes = 14 + 4 + 8 + 12;
    /// <summary>Smallest IPv4 + UDP header in front of any payload.</summary>
    private const int MinHeaderBytes = 20 + 8;

    internal static InvariantReport Check(BuiltCluster cluster, ServiceWiring services, TrafficWiring traffic,
        IReadOnlyList<TrafficGroupResult> groups, IReadOnlyDictionary<string, long> bufferedAtStart, long fromPs, long toPs)
    {
        var violations = new List<InvariantViolation>();
        CheckWire(cluster, services, traffic, groups, bufferedAtStart, violations);
        CheckCores(cluster, toPs, violations);
        CheckQueues(cluster, violations);
        return new InvariantReport([Wire, CoreTime, CoreBacklog, BoundedQueues], violations);
    }

    /// <summary>
    /// A group's bytes delivered in its window crossed the wire in that window (at most the slower NIC's rate, net of
    /// framing and the smallest headers) or were already past it when the window opened: in its socket buffers, or
    /// in one NAPI poll's worth of frames per flow.
    /// </summary>
    private static void CheckWire(BuiltCluster cluster, ServiceWiring services, TrafficWiring traffic,
        IReadOnlyList<TrafficGroupResult> groups, IReadOnlyDictionary<string, long> bufferedAtStart, List<InvariantViolation> violations)
    {
        foreach (var g in groups)
        {
            var app = g.Application;
            if (app.BytesReceived <= 0 || app.GoodputBitsPerSecond <= 0) continue;
            var spec = traffic.Apps.First(a => a.Spec.Name == g.Name).Spec;
            var from = NodesOf(cluster, services, spec.From);
            var to = NodesOf(cluster, services, spec.To);
            if (from.Count != 1 || to.Count == 0 || to.All(n => n == from[0])) continue; // no wire between them
            // A Service with a backend on the client's own node: that share never crosses the wire, and the group's
            // bytes are not split by backend, so the wire bounds nothing here (a pod's streams to the local backend).
            if (to.Contains(from[0]) && spec.To.Kind is EndpointKind.Service or EndpointKind.NodePort) continue;
            var remote = to.Where(n => n != from[0]).ToList();
            long rate = Math.Min(Rate(from[0]), remote.Sum(Rate));
            int mtu = remote.Append(from[0]).Max(n => n.Eth0.Mtu);
            if (SecondaryWire(cluster, spec.To) is { } second) (rate, mtu) = second; // pod:NAME@net1: the wire of that network
            if (rate <= 0) continue;
            double seconds = app.BytesReceived * 8 / app.GoodputBitsPerSecond;
            double allowed = WireAllowsBytes(rate, mtu, seconds, bufferedAtStart.GetValueOrDefault(g.Name), g.Flows.Count);
            if (app.BytesReceived > allowed)
                violations.Add(new(Wire, string.Create(CultureInfo.InvariantCulture,
                    $"{g.Name} delivered {app.BytesReceived:N0} B in {seconds * 1e3:0.###} ms ({app.GoodputBitsPerSecond / 1e9:0.###} Gbit/s) over a {rate / 1e9:0.###} Gbit/s NIC at MTU {mtu}: at most {allowed:N0} B can have crossed it")));
        }
    }

    /// <summary>
    /// The most application bytes that can be delivered in <paramref name="seconds"/> over a <paramref name="rateBps"/>
    /// wire at <paramref name="mtu"/>: full frames with the smallest headers, plus what had crossed already when the
    /// window opened (<paramref name="bufferedBytes"/> in sockets, one NAPI poll of frames per flow, two frames more).
    /// </summary>
    public static double WireAllowsBytes(long rateBps, int mtu, double seconds, long bufferedBytes, int flows)
    {
        double efficiency = (mtu - MinHeaderBytes) / (double)(mtu + FramingBytes);
        return rateBps * efficiency * seconds / 8 + bufferedBytes + (flows + 2) * (double)NapiBudgetFrames * (mtu + FramingBytes);
    }

    /// <summary>The rate and MTU of the secondary NIC under a pod interface traffic names (pod:NAME@net1), or null for eth0.</summary>
    private static (long Rate, int Mtu)? SecondaryWire(BuiltCluster cluster, EndpointRef to)
    {
        if (to.Kind != EndpointKind.Pod || to.Interface is null or "eth0") return null;
        var pod = cluster.Pods.FirstOrDefault(p => p.Name == to.Name || (p.Placed.Index == 0 && p.Placed.Workload == to.Name));
        var dev = pod is null ? null : NetSim.Topologies.Cni.Plugins.PodInterface.Find(pod.Namespace, to.Interface);
        var lower = dev is Datapaths.Devices.StackedDevice st ? st.Lower : dev;
        var nic = pod?.Node.SecondaryNics.FirstOrDefault(n => ReferenceEquals(n.Device, lower) || n.Vfs.Any(v => ReferenceEquals(v.Device, lower)));
        return nic is null ? null : (nic.Spec.Nic.RateBps, Math.Max(dev!.Mtu, nic.Spec.Nic.Mtu));
    }

    private static long Rate(BuiltNode n) => n.Nic?.Port?.Outbound.RateBitsPerSecond ?? 0; // 0: no wire (a veth-pair fabric)

    /// <summary>The nodes a traffic endpoint runs on (a Service's: its backends' nodes).</summary>
    private static List<BuiltNode> NodesOf(BuiltCluster cluster, ServiceWiring services, EndpointRef e) => e.Kind switch
    {
        EndpointKind.Pod or EndpointKind.Workload =>
            cluster.Pods.Where(p => p.Name == e.Name || (p.Placed.Index == 0 && p.Placed.Workload == e.Name)).Take(1).Select(p => p.Node).ToList(),
        EndpointKind.Node => cluster.Nodes.Where(n => n.Name == e.Name).ToList(),
        EndpointKind.External => cluster.Externals.Where(n => e.Name is null || n.Name == e.Name).Take(1).ToList(),
        EndpointKind.Service or EndpointKind.NodePort or EndpointKind.ExternalIp or EndpointKind.LoadBalancer => services.Resolve(e).Backends.Select(b => b.Pod.Node).Distinct().ToList(),
        _ => [],
    };

    /// <summary>
    /// Every core's busy time in the window fits the window; and no core ever had work booked more than a tenth of
    /// the run (at least 20 ms) ahead: work reaches a core only from bounded queues (rings, backlogs, sockets,
    /// threads that wait for their calls), so a longer backlog means something queued without a bound.
    /// </summary>
    private static void CheckCores(BuiltCluster cluster, long toPs, List<InvariantViolation> violations)
    {
        long backlogLimit = Math.Max(20_000_000_000L, toPs / 10);
        foreach (var n in cluster.Nodes.Concat(cluster.Externals))
            foreach (var c in n.Context.Cpu.Cores)
            {
                long busy = c.BusyThrough(toPs);
                if (busy > toPs)
                    violations.Add(new(CoreTime, $"{n.Name} core {c.Index} was busy {busy / 1e6:0.###} us in {toPs / 1e6:0.###} us"));
                if (c.MaxBacklogPs > backlogLimit)
                    violations.Add(new(CoreBacklog, string.Create(CultureInfo.InvariantCulture,
                        $"{n.Name} core {c.Index} had {c.MaxBacklogPs / 1e6:0.###} us of work queued at once (limit {backlogLimit / 1e6:0.###} us)")));
            }
    }

    private static void CheckQueues(BuiltCluster cluster, List<InvariantViolation> violations)
    {
        var holders = cluster.Nodes.Concat(cluster.Externals).SelectMany(n => n.Context.Holders.Select(h => (Where: n.Name, Holder: h)))
            .Concat(cluster.Context.Fabric.Holders.Select(h => (Where: "fabric", Holder: h)));
        foreach (var (where, holder) in holders)
            if (!holder.Bounded)
                violations.Add(new(BoundedQueues, $"{where}: a {HolderName(holder)} has no limit"));
    }

    private static string HolderName(IPacketHolder h) => h.GetType().Name;
}
