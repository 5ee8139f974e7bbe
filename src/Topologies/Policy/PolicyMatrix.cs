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
/// attempt (a TCP handshake and one request/response) through the built cluster's datapath, with every agent's
/// policy programming in place; a cell is allowed when the exchange completed, blocked when it did not within
/// <see cref="Timeout"/> (shorter than TCP's 1 s initial SYN retransmission, so a dropped SYN is never retried).
/// </summary>
public static class PolicyMatrix
{
    public static readonly SimTime Timeout = SimTime.FromMilliseconds(200);

    public sealed record Result(string Datapath, bool Enforced, IReadOnlyList<(PolicyProbe Probe, ReachabilityTable Table)> Tables);

    public static Result Run(Scenario scenario, CostProfile profile, IReadOnlyList<PolicyProbe> probes)
    {
        var cluster = ClusterBuilder.Build(scenario, profile.WithExactCosts());
        var services = new ServiceWiring(cluster);
        services.Program();
        var flows = new FlowTable(() => new MeasuredRecorder(cluster.Context.Sim, 0));
        var wiring = new TrafficWiring(cluster, flows) { ResolveService = services.Resolve };
        var pods = cluster.Pods.Where(p => !p.Placed.HostNetwork).OrderBy(p => p.Placed.Namespace, StringComparer.Ordinal)
            .ThenBy(p => Label(scenario, p), StringComparer.Ordinal).ToList();
        var apps = new List<(PolicyProbe, int, int, TrafficApp)>();
        foreach (var probe in probes)
            for (int r = 0; r < pods.Count; r++)
                for (int c = 0; c < pods.Count; c++)
                {
                    if (r == c) continue;
                    var spec = new TrafficSpec($"probe {probe} {pods[r].Name} {pods[c].Name}", "rr",
                        new EndpointRef(EndpointKind.Pod, pods[r].Name, 0, null, null), new EndpointRef(EndpointKind.Pod, pods[c].Name, 0, null, null),
                        "tcp", SimTime.Zero, Timeout, 1, 0, 0, 1, 1, 1, "cubic", null, null, null, 1);
                    wiring.Wire(spec, apps.Count, (ushort)probe.Port);
                    apps.Add((probe, r, c, wiring.Apps[^1]));
                }
        cluster.Context.Sim.RunUntil(Timeout + SimTime.FromMilliseconds(1));
        var labels = pods.Select(p => Label(scenario, p)).ToList();
        var tables = new List<(PolicyProbe, ReachabilityTable)>();
        foreach (var probe in probes)
        {
            var cells = new char[pods.Count, pods.Count];
            for (int i = 0; i < pods.Count; i++) cells[i, i] = ReachabilityTable.Loopback;
            foreach (var (p, r, c, app) in apps)
                if (p == probe) cells[r, c] = app.Metrics.Transactions > 0 ? ReachabilityTable.Allowed : ReachabilityTable.Blocked;
            tables.Add((probe, new ReachabilityTable(labels, cells)));
        }
        return new Result(scenario.Cni.Datapath, PolicyWiring.Enforces(scenario.Cni.Datapath), tables);
    }

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
