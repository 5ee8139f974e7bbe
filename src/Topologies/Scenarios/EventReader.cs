using NetSim.Engine.Core;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Scenarios.Yaml;

namespace NetSim.Topologies.Scenarios;

/// <summary>
/// Reads "events:" (timed changes to the cluster) and "control_plane:" (timer overrides). Each event must fall within
/// the run, name what it acts on (a node, a pod, a Deployment, a Service of the scenario), and make sense in the order
/// the events happen (a link comes up only after it went down, a deleted pod is not deleted again).
/// </summary>
internal static class EventReader
{
    /// <summary>Most Services one service_add may create (each is a ClusterIP out of the Service CIDR).</summary>
    public const int MaxServiceCount = 100_000;

    public static IReadOnlyList<ClusterEvent> Read(IReadOnlyList<YamlMap> items, ClusterSpec cluster, IReadOnlyList<WorkloadSpec> workloads,
        IReadOnlyList<ServiceSpec> services, IReadOnlyList<PolicySpec> policies, SimTime duration, CniSpec cni)
    {
        var events = new List<(ClusterEvent Event, YamlMap Map)>();
        foreach (var m in items)
        {
            string kind = m.OneOf("kind", "", ClusterEvent.Kinds);
            if (kind.Length == 0) throw m.Error("kind", $"is required; one of {string.Join(", ", ClusterEvent.Kinds)}");
            if (!m.Has("at")) throw m.Error("at", "is required (when the event happens, e.g. 2s)");
            SimTime at = m.Time("at", SimTime.Zero);
            if (at >= duration) throw m.Error("at", $"{at} is not before the end of the run ({duration})");
            var e = kind switch
            {
                ClusterEvent.PodDelete => PodEvent(m, at, kind, workloads),
                ClusterEvent.Scale or ClusterEvent.RollingUpdate => WorkloadEvent(m, at, kind, workloads),
                ClusterEvent.ServiceAdd or ClusterEvent.ServiceRemove => ServiceEvent(m, at, kind, services),
                ClusterEvent.BgpReset => SessionEvent(m, at, cluster, cni),
                ClusterEvent.CniCheck => CheckEvent(m, at, workloads),
                ClusterEvent.SwitchPortDown or ClusterEvent.SwitchPortUp or ClusterEvent.UplinkDown or ClusterEvent.UplinkUp
                    or ClusterEvent.SwitchDown or ClusterEvent.SwitchUp or ClusterEvent.SwitchHang or ClusterEvent.SwitchResume
                    => FabricEventReader.Read(m, at, kind, cluster, Line(m)),
                ClusterEvent.PolicyAdd or ClusterEvent.PolicyRemove => PolicyEvent(m, at, kind, policies),
                ClusterEvent.DhcpServerDown or ClusterEvent.DhcpServerUp => cluster.DhcpServer is null
                    ? throw m.Error("kind", $"{kind} needs cluster.dhcp_server: there is no DHCP server to stop or start")
                    : new ClusterEvent(at, kind, "dhcp", Line(m)),
                _ => NodeEvent(m, at, kind, cluster),
            };
            m.RejectUnknown();
            events.Add((e, m));
        }
        var ordered = events.OrderBy(e => e.Event.At).ToList();
        CheckSequence(ordered);
        FabricEventReader.CheckSequence(ordered);
        CheckPods(ordered, workloads);
        CheckServices(ordered);
        CheckPolicies(ordered);
        return ordered.Select(e => e.Event).ToList();
    }

    private static ClusterEvent NodeEvent(YamlMap m, SimTime at, string kind, ClusterSpec cluster)
    {
        string node = m.Text("node", "");
        if (node.Length == 0) throw m.Error("node", $"is required: the node {kind} acts on");
        if (!cluster.Nodes.Any(n => n.Name == node))
            throw m.Error("node", $"'{node}' is not a node of the cluster; nodes: {string.Join(", ", cluster.Nodes.Select(n => n.Name).Take(8))}");
        if (cluster.Fabric.IsVethPair) throw m.Error("kind", $"{kind} needs a NIC on a fabric; fabric {cluster.Fabric.Type} cables the nodes with a veth pair");
        return new ClusterEvent(at, kind, node, Line(m));
    }

    /// <summary>bgp_reset: the BGP session between node and peer, which must exist (full mesh: any two; route reflectors: one end a reflector).</summary>
    private static ClusterEvent SessionEvent(YamlMap m, SimTime at, ClusterSpec cluster, CniSpec cni)
    {
        var e = NodeEvent(m, at, ClusterEvent.BgpReset, cluster);
        string peer = m.Text("peer", "");
        if (peer.Length == 0) throw m.Error("peer", "is required: the node at the BGP session's other end");
        if (!cluster.Nodes.Any(n => n.Name == peer))
            throw m.Error("peer", $"'{peer}' is not a node of the cluster; nodes: {string.Join(", ", cluster.Nodes.Select(n => n.Name).Take(8))}");
        if (peer == e.Target) throw m.Error("peer", $"'{peer}' is the node itself: a BGP session joins two nodes");
        if (cni.BgpTopology == "route-reflectors" && !cni.RouteReflectors.Contains(peer) && !cni.RouteReflectors.Contains(e.Target))
            throw m.Error("peer", $"{e.Target} and {peer} are both route-reflector clients: they have no BGP session (reflectors: {string.Join(", ", cni.RouteReflectors)})");
        return e with { Peer = peer };
    }

    /// <summary>pod_delete: a pod of a Deployment by name (WORKLOAD-INDEX); its ReplicaSet starts a replacement.</summary>
    private static ClusterEvent PodEvent(YamlMap m, SimTime at, string kind, IReadOnlyList<WorkloadSpec> workloads)
    {
        string pod = m.Text("pod", "");
        if (pod.Length == 0) throw m.Error("pod", "is required: the pod to delete (WORKLOAD-INDEX, e.g. web-0)");
        int dash = pod.LastIndexOf('-');
        string workload = dash > 0 ? pod[..dash] : pod;
        Deployment(m, "pod", workload, workloads, $"'{pod}' is not a pod of a Deployment of the scenario (pods are named WORKLOAD-INDEX)");
        return new ClusterEvent(at, kind, pod, Line(m))
        {
            ReadinessDelay = OptionalTime(m, "readiness_delay"),
            ShutdownDelay = m.Time("shutdown_delay", SimTime.Zero),
            TerminationGracePeriod = m.Time("termination_grace_period", SimTime.FromSeconds(30)),
        };
    }

    /// <summary>cni_check: the runtime runs CNI CHECK on a pod (WORKLOAD-INDEX of any workload with its own netns).</summary>
    private static ClusterEvent CheckEvent(YamlMap m, SimTime at, IReadOnlyList<WorkloadSpec> workloads)
    {
        string pod = m.Text("pod", "");
        if (pod.Length == 0) throw m.Error("pod", "is required: the pod whose attachment CNI CHECK verifies (WORKLOAD-INDEX, e.g. web-0)");
        int dash = pod.LastIndexOf('-');
        var w = workloads.FirstOrDefault(x => dash > 0 && x.Name == pod[..dash])
            ?? throw m.Error("pod", $"'{pod}' is not a pod of a workload of the scenario (pods are named WORKLOAD-INDEX)");
        if (w.HostNetwork) throw m.Error("pod", $"'{pod}' runs on the host network: it has no CNI attachment to CHECK");
        return new ClusterEvent(at, ClusterEvent.CniCheck, pod, Line(m));
    }

    private static ClusterEvent WorkloadEvent(YamlMap m, SimTime at, string kind, IReadOnlyList<WorkloadSpec> workloads)
    {
        string name = m.Text("workload", "");
        if (name.Length == 0) throw m.Error("workload", $"is required: the Deployment {kind} acts on");
        var w = Deployment(m, "workload", name, workloads, $"'{name}' is not a Deployment of the scenario");
        var e = new ClusterEvent(at, kind, name, Line(m)) { ReadinessDelay = OptionalTime(m, "readiness_delay") };
        if (kind == ClusterEvent.Scale)
        {
            if (!m.Has("replicas")) throw m.Error("replicas", "is required: the replica count to scale to");
            return e with { Replicas = m.Count("replicas", 0, 0, 10_000) };
        }
        // Deployment defaults: maxSurge 25 % rounded up, maxUnavailable 25 % rounded down (apps/v1 RollingUpdateDeployment).
        int surge = m.Count("max_surge", (w.Replicas + 3) / 4, 0, 10_000);
        int unavailable = m.Count("max_unavailable", w.Replicas / 4, 0, 10_000);
        if (surge == 0 && unavailable == 0) throw m.Error("max_surge", "max_surge and max_unavailable cannot both be 0 (the Deployment could never make progress)");
        var grace = m.Time("termination_grace_period", SimTime.FromSeconds(30));
        var shutdown = m.Time("shutdown_delay", SimTime.Zero);
        return e with { MaxSurge = surge, MaxUnavailable = unavailable, TerminationGracePeriod = grace, ShutdownDelay = shutdown };
    }

    private static WorkloadSpec Deployment(YamlMap m, string field, string name, IReadOnlyList<WorkloadSpec> workloads, string problem)
    {
        var w = workloads.FirstOrDefault(x => x.Name == name) ?? throw m.Error(field, problem);
        if (w.Kind != "Deployment") throw m.Error(field, $"'{name}' is a {w.Kind}: only a Deployment's pods are scaled, deleted and replaced by these events");
        if (w.HostNetwork) throw m.Error(field, $"'{name}' runs on the host network: its pods have no netns, CNI or IP of their own to churn");
        return w;
    }

    /// <summary>service_add copies a Service of the scenario (same selector and ports, a new ClusterIP each); service_remove deletes copies, newest first, or the Service itself.</summary>
    private static ClusterEvent ServiceEvent(YamlMap m, SimTime at, string kind, IReadOnlyList<ServiceSpec> services)
    {
        string name = m.Text("service", "");
        if (name.Length == 0) throw m.Error("service", $"is required: the Service {kind} {(kind == ClusterEvent.ServiceAdd ? "copies" : "removes")}");
        var svc = services.FirstOrDefault(s => s.Name == name)
            ?? throw m.Error("service", $"'{name}' is not a Service of the scenario; Services: {string.Join(", ", services.Select(s => s.Name).Take(8))}");
        if (svc.Type is ServiceSpec.Headless or ServiceSpec.ExternalNameType) throw m.Error("service", $"'{name}' has no ClusterIP ({svc.Type}): nothing for a proxy to program");
        int count = m.Count("count", 1, 1, MaxServiceCount);
        double rate = (double)m.Number("rate", 0, 0, 1_000_000);
        return new ClusterEvent(at, kind, name, Line(m)) { Count = count, Rate = rate };
    }

    /// <summary>policy_add / policy_remove: a policy of network_policies (or a manifest), named NAMESPACE/NAME (NAME alone when only one policy has it).</summary>
    private static ClusterEvent PolicyEvent(YamlMap m, SimTime at, string kind, IReadOnlyList<PolicySpec> policies)
    {
        string name = m.Text("policy", "");
        if (name.Length == 0) throw m.Error("policy", $"is required: the policy {kind} {(kind == ClusterEvent.PolicyAdd ? "creates" : "deletes")} (NAMESPACE/NAME of a network_policies item)");
        var matches = policies.Where(p => Key(p.Policy) == name || p.Policy.Name == name).ToList();
        if (matches.Count == 0)
            throw m.Error("policy", $"'{name}' is not a policy of the scenario's network_policies; policies: {string.Join(", ", policies.Select(p => Key(p.Policy)).Take(8))}");
        if (matches.Count > 1) throw m.Error("policy", $"'{name}' names {matches.Count} policies: write NAMESPACE/NAME ({string.Join(", ", matches.Select(p => Key(p.Policy)).Take(4))})");
        return new ClusterEvent(at, kind, Key(matches[0].Policy), Line(m));
    }

    /// <summary>A policy's key in events: NAMESPACE/NAME, or NAME for a cluster-wide kind.</summary>
    public static string Key(Policy.IPolicyObject p) => p.Namespace.Length == 0 ? p.Name : $"{p.Namespace}/{p.Name}";

    /// <summary>
    /// Policies walk through their events in time order: one whose first event is policy_add is absent until then, any
    /// other exists from the start; adding one that exists, or removing one that does not, is an error.
    /// </summary>
    private static void CheckPolicies(List<(ClusterEvent Event, YamlMap Map)> ordered)
    {
        var present = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var (e, m) in ordered)
        {
            if (!e.OnPolicy) continue;
            bool exists = present.TryGetValue(e.Target, out bool p) ? p : e.Kind == ClusterEvent.PolicyRemove;
            if (exists == (e.Kind == ClusterEvent.PolicyAdd))
                throw m.Error("kind", $"{e.Kind} of {e.Target} at {e.At} changes nothing: it {(exists ? "exists already" : "does not exist then")}");
            present[e.Target] = e.Kind == ClusterEvent.PolicyAdd;
        }
    }

    private static int Line(YamlMap m) => (int)m.Node.Start.Line;

    private static SimTime? OptionalTime(YamlMap m, string key) => m.Has(key) ? m.Time(key, SimTime.Zero) : null;

    /// <summary>Per node, link and power state walk through the events in time order; an event that changes nothing is an error.</summary>
    private static void CheckSequence(List<(ClusterEvent Event, YamlMap Map)> ordered)
    {
        var linkDown = new HashSet<string>(StringComparer.Ordinal);
        var nodeDown = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (e, m) in ordered)
        {
            if (!e.OnNode) continue;
            bool changed = e.Kind switch
            {
                ClusterEvent.LinkDown => linkDown.Add(e.Target),
                ClusterEvent.LinkUp => linkDown.Remove(e.Target),
                ClusterEvent.NodeDown => nodeDown.Add(e.Target),
                _ => nodeDown.Remove(e.Target),
            };
            if (!changed)
                throw m.Error("kind", $"{e.Kind} of {e.Target} at {e.At} changes nothing: its {(e.Kind.StartsWith("link", StringComparison.Ordinal) ? "link" : "node")} is already {(e.Kind.EndsWith("down", StringComparison.Ordinal) ? "down" : "up")}");
        }
    }

    /// <summary>
    /// The pod names each Deployment has as its events happen (pods are named WORKLOAD-INDEX, new pods take the next
    /// index): a pod_delete must name a pod that exists then, and was not deleted or replaced by an earlier event.
    /// </summary>
    private static void CheckPods(List<(ClusterEvent Event, YamlMap Map)> ordered, IReadOnlyList<WorkloadSpec> workloads)
    {
        var names = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var next = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var w in workloads)
        {
            names[w.Name] = Enumerable.Range(0, w.Replicas).ToList();
            next[w.Name] = w.Replicas;
        }
        foreach (var (e, m) in ordered)
        {
            if (!e.OnPods) continue;
            string workload = e.Kind == ClusterEvent.PodDelete ? e.Target[..e.Target.LastIndexOf('-')] : e.Target;
            var live = names[workload];
            switch (e.Kind)
            {
                case ClusterEvent.PodDelete:
                    if (!int.TryParse(e.Target[(e.Target.LastIndexOf('-') + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int index) || !live.Remove(index))
                        throw m.Error("pod", $"'{e.Target}' does not exist at {e.At}; {workload}'s pods then: {string.Join(", ", live.Take(8).Select(i => $"{workload}-{i}"))}");
                    live.Add(next[workload]++);
                    break;
                case ClusterEvent.Scale:
                    while (live.Count > e.Replicas) live.RemoveAt(live.Count - 1);
                    while (live.Count < e.Replicas) live.Add(next[workload]++);
                    break;
                default:
                    int count = live.Count;
                    live.Clear();
                    for (int i = 0; i < count; i++) live.Add(next[workload]++);
                    break;
            }
        }
    }

    /// <summary>service_remove removes what exists at its time: copies added earlier, or the scenario's Service.</summary>
    private static void CheckServices(List<(ClusterEvent Event, YamlMap Map)> ordered)
    {
        var copies = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (e, m) in ordered)
        {
            int have = copies.GetValueOrDefault(e.Target);
            if (e.Kind == ClusterEvent.ServiceAdd) copies[e.Target] = have + e.Count;
            else if (e.Kind == ClusterEvent.ServiceRemove)
            {
                if (e.Count > have + 1) throw m.Error("count", $"{e.Count} is more than the {have + 1} Services named {e.Target} (with copies) at {e.At}");
                copies[e.Target] = Math.Max(0, have - e.Count);
            }
        }
    }

    public static ControlPlaneSpec ReadControlPlane(YamlMap? m)
    {
        if (m is null) return ControlPlaneSpec.FromProfile;
        var spec = new ControlPlaneSpec(
            Optional(m, ControlPlaneSpec.NodeMonitorGracePeriodField),
            Optional(m, ControlPlaneSpec.KubeProxyMinSyncPeriodField),
            Optional(m, ControlPlaneSpec.BgpHoldTimeField))
        { BfdDetectTime = Optional(m, ControlPlaneSpec.BfdDetectTimeField), BgpUpdateDelay = Optional(m, ControlPlaneSpec.BgpUpdateDelayField),
            BgpConnectDelay = Optional(m, ControlPlaneSpec.BgpConnectDelayField), BgpErrorWait = Optional(m, ControlPlaneSpec.BgpErrorWaitField),
            BgpConnectRetry = Optional(m, ControlPlaneSpec.BgpConnectRetryField) };
        m.RejectUnknown();
        return spec;
    }

    private static SimTime? Optional(YamlMap m, string key) => m.Has(key) ? m.PositiveTime(key, SimTime.Zero) : null;
}
