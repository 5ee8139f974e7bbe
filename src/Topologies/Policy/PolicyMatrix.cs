using NetSim.Engine.Core;
using NetSim.Engine.Costs;
using NetSim.Topologies.Build;
using NetSim.Topologies.Build.Cni;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Traffic.Metrics;

namespace NetSim.Topologies.Policy;

/// <summary>
/// The reachability matrix of a scenario's pods over one datapath, measured the way the upstream e2e suite and
/// cyclonus measure a cluster: from every pod to every other pod, for each probe (port/protocol), a real connection
/// attempt (TCP: a handshake and one request/response; UDP: one datagram; SCTP: INIT answered by INIT ACK) through the built cluster's datapath, with
/// every agent's policy programming in place; a cell is allowed when the exchange completed (the datagram arrived),
/// blocked when it did not within <see cref="Timeout"/> (shorter than TCP's 1 s initial SYN retransmission, so a
/// dropped SYN or INIT is never retried).
/// </summary>
public static class PolicyMatrix
{
    public static readonly SimTime Timeout = SimTime.FromMilliseconds(200);

    /// <param name="DirectionTables">With per-direction tables: each probe measured with only the ingress, then only the egress side of every policy in force.</param>
    public sealed record Result(string Datapath, bool Enforced, IReadOnlyList<(PolicyProbe Probe, ReachabilityTable Table)> Tables,
        IReadOnlyList<(PolicyProbe Probe, PolicyDirection Direction, ReachabilityTable Table)> DirectionTables);

    /// <param name="perDirection">
    /// Also measure the ingress-only and egress-only tables (cyclonus prints the same three): the cluster is built
    /// again with every policy cut down to one direction (<see cref="IPolicyObject.Only"/>), and probed the same way.
    /// </param>
    public static Result Run(Scenario scenario, CostProfile profile, IReadOnlyList<PolicyProbe> probes, bool perDirection = false)
    {
        var tables = new List<(PolicyProbe, ReachabilityTable)>();
        foreach (var probe in probes) tables.Add((probe, Probe(scenario, profile, probe)));
        var directions = new List<(PolicyProbe, PolicyDirection, ReachabilityTable)>();
        if (perDirection)
            foreach (var d in new[] { PolicyDirection.Ingress, PolicyDirection.Egress })
            {
                var only = scenario with { NetworkPolicies = scenario.NetworkPolicies.Select(p => p with { Policy = p.Policy.Only(d) }).ToList() };
                foreach (var probe in probes) directions.Add((probe, d, Probe(only, profile, probe)));
            }
        return new Result(scenario.Cni.Datapath, PolicyWiring.Enforces(scenario.Cni), tables, directions);
    }

    /// <summary>One probe over every pair, on a cluster of its own (a port serves one protocol's listeners at a time).</summary>
    private static ReachabilityTable Probe(Scenario scenario, CostProfile profile, PolicyProbe probe)
    {
        var cluster = ClusterBuilder.Build(scenario, profile.WithExactCosts());
        var services = new ServiceWiring(cluster);
        services.Program();
        var flows = new FlowTable(() => new MeasuredRecorder(cluster.Context.Sim, 0));
        var wiring = new TrafficWiring(cluster, flows) { ResolveService = services.Resolve };
        var pods = cluster.Pods.Where(p => !p.Placed.HostNetwork).OrderBy(p => p.Placed.Namespace, StringComparer.Ordinal)
            .ThenBy(p => Label(scenario, p), StringComparer.Ordinal).ToList();
        if (probe.Protocol == "SCTP") return ProbeSctp(scenario, cluster, wiring, pods, (ushort)probe.Port);
        bool udp = probe.Protocol == "UDP";
        var apps = new List<(int, int, TrafficApp)>();
        for (int r = 0; r < pods.Count; r++)
            for (int c = 0; c < pods.Count; c++)
            {
                if (r == c) continue;
                var from = new EndpointRef(EndpointKind.Pod, pods[r].Name, 0, null, null);
                var to = new EndpointRef(EndpointKind.Pod, pods[c].Name, 0, null, null);
                string name = $"probe {probe} {pods[r].Name} {pods[c].Name}";
                var spec = udp
                    ? new TrafficSpec(name, "bulk", from, to, "udp", SimTime.Zero, Timeout, 1, ProbeRateBps, UdpProbeBytes, 0, 0, 1, "cubic", null, null, null, 0)
                    : new TrafficSpec(name, "rr", from, to, "tcp", SimTime.Zero, Timeout, 1, 0, 0, 1, 1, 1, "cubic", null, null, null, 1);
                wiring.Wire(spec, apps.Count, (ushort)probe.Port);
                apps.Add((r, c, wiring.Apps[^1]));
            }
        cluster.Context.Sim.RunUntil(Timeout + SimTime.FromMilliseconds(1));
        var cells = new char[pods.Count, pods.Count];
        for (int i = 0; i < pods.Count; i++) cells[i, i] = ReachabilityTable.Loopback;
        foreach (var (r, c, app) in apps)
            cells[r, c] = (udp ? app.Metrics.FlowIds.Any(id => flows.Find(id)?.PacketsReceived > 0) : app.Metrics.Transactions > 0)
                ? ReachabilityTable.Allowed : ReachabilityTable.Blocked;
        return Table(scenario, pods, cells);
    }

    /// <summary>
    /// An SCTP probe: every pod listens on the port (an SCTP endpoint), every other pod opens an association to it; a
    /// cell is allowed when the INIT ACK came back (NetSim's SCTP models association setup only).
    /// </summary>
    private static ReachabilityTable ProbeSctp(Scenario scenario, BuiltCluster cluster, TrafficWiring wiring, List<BuiltPod> pods, ushort port)
    {
        foreach (var pod in pods) wiring.Transport(pod.Namespace).Sctp.Listen(port);
        var associations = new List<(int, int, Traffic.Transport.Sctp.SctpAssociation?)>();
        for (int r = 0; r < pods.Count; r++)
            for (int c = 0; c < pods.Count; c++)
            {
                if (r == c) continue;
                cluster.Context.Sim.SetupNode = pods[r].Namespace.Node.Id; // the INIT is the client node's event
                associations.Add((r, c, wiring.Transport(pods[r].Namespace).Sctp.Connect(pods[c].Address, port)));
            }
        cluster.Context.Sim.RunUntil(Timeout + SimTime.FromMilliseconds(1));
        var cells = new char[pods.Count, pods.Count];
        for (int i = 0; i < pods.Count; i++) cells[i, i] = ReachabilityTable.Loopback;
        foreach (var (r, c, a) in associations) cells[r, c] = a is { Answered: true } ? ReachabilityTable.Allowed : ReachabilityTable.Blocked;
        return Table(scenario, pods, cells);
    }

    private static ReachabilityTable Table(Scenario scenario, List<BuiltPod> pods, char[,] cells) =>
        new(pods.Select(p => Label(scenario, p)).ToList(), cells);

    /// <summary>A UDP probe: one small datagram (agnhost's probes are a few bytes), sent at a rate that sends it at once.</summary>
    private const long UdpProbeBytes = 64, ProbeRateBps = 1_000_000_000;

    /// <summary>
    /// A pod's name in the table, namespace/name as upstream prints it: a one-replica workload by its name, others by
    /// the pod's; a leading "NAMESPACE-" is dropped, since workload names are unique across namespaces in a scenario
    /// (workload x-a in namespace x is x/a).
    /// </summary>
    public static string Label(Scenario scenario, BuiltPod pod)
    {
        string ns = pod.Placed.Namespace;
        var workload = scenario.Workloads.First(w => w.Name == pod.Placed.Workload);
        string name = workload.Replicas == 1 ? workload.Name : pod.Name;
        string prefix = ns + "-";
        return $"{ns}/{(name.StartsWith(prefix, StringComparison.Ordinal) && name.Length > prefix.Length ? name[prefix.Length..] : name)}";
    }
}
