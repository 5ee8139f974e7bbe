using System.Globalization;
using NetSim.Engine.Addressing;
using NetSim.Engine.Diagnostics;
using NetSim.Engine.Packets;
using NetSim.Topologies.Build.Cni;
using NetSim.Topologies.KubeProxy;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Build;

/// <summary>
/// The Services of a scenario made real: ClusterIPs allocated from the Service CIDR, endpoints from the pods each
/// selector matches (target ports by number or by container port name), and every node's proxy — kube-proxy in
/// iptables, IPVS or nftables mode, or the CNI's eBPF replacement attached in front of its own programs — synced
/// with them, as kube-proxy's first sync would.
/// </summary>
public sealed partial class ServiceWiring
{
    /// <summary>ClusterIPs start above the kubernetes (index 1) and kube-dns (index 10) addresses (reference §5.4).</summary>
    public const int FirstClusterIpIndex = 11;

    private readonly BuiltCluster _cluster;
    private readonly Dictionary<string, (ServiceSpec Spec, List<ServicePort> Ports)> _services = new(StringComparer.Ordinal);
    // Every Service port as last programmed, and each node's proxy with the config it was synced with (for later syncs).
    private readonly List<ServicePort> _all = new();
    private readonly List<ServicePort> _programmed = new();
    private readonly Dictionary<BuiltNode, (IServiceProxy Proxy, KubeProxyNodeConfig Config)> _proxyOf = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<string> _notReady = new(StringComparer.Ordinal);
    // What each node's proxy was last synced with: what its healthCheckNodePort server answers from.
    private readonly Dictionary<BuiltNode, ServicePort[]> _syncedOf = new(ReferenceEqualityComparer.Instance);
    // UDP (ClusterIP, endpoint) pairs removed since the last sync: kube-proxy deletes their conntrack entries after it.
    private readonly List<(Ipv4Address Service, Ipv4Address Endpoint)> _staleUdp = new();

    // Each node's topology.kubernetes.io/zone label (nodes without one are absent).
    private readonly Dictionary<string, string> _zones;

    public ServiceWiring(BuiltCluster cluster)
    {
        _cluster = cluster;
        _zones = cluster.Context.Scenario.Cluster.Nodes.Where(n => n.Zone.Length > 0).ToDictionary(n => n.Name, n => n.Zone, StringComparer.Ordinal);
    }

    public List<IServiceProxy> Proxies { get; } = new();
    /// <summary>Every Service with its ClusterIP (none when headless or ExternalName) and selected pods: what cluster DNS answers from.</summary>
    public List<(ServiceSpec Spec, Ipv4Address? ClusterIp, IReadOnlyList<BuiltPod> Pods)> Registry { get; } = new();
    public int RuleCount => Proxies.Sum(p => p.RuleCount);

    public void Program()
    {
        var s = _cluster.Context.Scenario;
        var all = new List<ServicePort>();
        int index = FirstClusterIpIndex;
        var podsOf = PodsByWorkload();
        var selection = new ServiceSelection(podsOf.Keys);
        var order = new Dictionary<BuiltPod, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < _cluster.Pods.Count; i++) order[_cluster.Pods[i]] = i;
        foreach (var svc in s.Services.Concat(Dns.ClusterDns.Services(s)))
        {
            var selected = Selected(svc, selection, podsOf, order);
            if (svc.Type is ServiceSpec.Headless or ServiceSpec.ExternalNameType)
            {
                Registry.Add((svc, null, selected.Select(x => x.Pod).ToList()));
                continue;
            }
            var ip = Dns.ClusterDns.IsKubeDns(svc) ? s.Dns.ClusterIp : s.Cluster.ServiceCidr.Address((ulong)index++);
            Registry.Add((svc, ip, selected.Select(x => x.Pod).ToList()));
            var ports = svc.Ports.Select(p => ToServicePort(svc, p, ip, selected)).ToList();
            _services[svc.Name] = (svc, ports);
            all.AddRange(ports);
        }
        _nextClusterIpIndex = index;
        ExternalGateway.RouteExternalIps(_cluster, s.Services.SelectMany(v => v.ExternalIps));
        // kube-proxy installs its fixed chains (KUBE-FORWARD, KUBE-POSTROUTING, the KUBE-SERVICES jumps) even with no
        // Services, and every forwarded packet walks them. Without Services, the eBPF replacement has nothing to attach,
        // and host networking is the baseline of node-to-node traffic without Kubernetes (pm §1, §2).
        bool nothingToProxy = all.Count == 0 && (CalicoEbpfKubeProxy.ServiceProxyMode(s) == "ebpf" || s.Cni.Datapath == DatapathNames.Host);
        _programmed.AddRange(all);
        _all.AddRange(all);
        if (s.KubeProxy.Mode != "none" && !nothingToProxy)
            foreach (var node in _cluster.Nodes)
            {
                Sync(node, all);
                _cluster.Network.AfterKubeProxySync(node);
            }
        CloudLoadBalancer = LoadBalancers.LoadBalancerProvisioner.Provision(_cluster, this, s.Services);
    }

    /// <summary>The cloud load balancer beyond the gateway (cluster.load_balancer: cloud with LoadBalancer Services), else null.</summary>
    public LoadBalancers.CloudLoadBalancer? CloudLoadBalancer { get; private set; }

    /// <summary>Where traffic to a Service endpoint reference goes, and which pods serve it on which port.</summary>
    public (Ipv4Address Address, ushort Port, IReadOnlyList<(BuiltPod Pod, ushort Port)> Backends) Resolve(EndpointRef e)
    {
        var (spec, ports) = _services.TryGetValue(e.Name, out var found)
            ? found
            : throw new InputException(_cluster.Context.Scenario.File, 0, "traffic", $"Service {e.Name} has no ClusterIP (headless?)");
        // A NodePort reference may name the node port itself (what a client on the wire sends to).
        var port = e.Port == 0 ? ports[0]
            : ports.FirstOrDefault(p => p.Port == e.Port || (e.Kind == EndpointKind.NodePort && p.NodePort == e.Port))
              ?? throw new InputException(_cluster.Context.Scenario.File, 0, "traffic", $"Service {e.Name} has no port {e.Port}");
        // Endpoints whose pod has gone since (deleted while the cluster changed) serve nothing.
        var backends = port.Endpoints.Select(ep => (Pod: _cluster.Pods.FirstOrDefault(p => p.Address == ep.Ip && !p.Placed.HostNetwork), ep.Port))
            .Where(b => b.Pod is not null).Select(b => (b.Pod!, b.Port)).ToList();
        if (e.Kind == EndpointKind.ExternalIp) return (port.ExternalIps[0], port.Port, backends);
        if (e.Kind == EndpointKind.LoadBalancer)
            return port.LoadBalancerIps.Count > 0 ? (port.LoadBalancerIps[0], port.Port, backends)
                : throw new InputException(_cluster.Context.Scenario.File, 0, "traffic", $"Service {e.Name} has no load-balancer address (pending: cluster.load_balancer_pool is used up)");
        if (e.Kind == EndpointKind.NodePort)
        {
            var node = e.Node is null ? _cluster.Nodes[0] : _cluster.Node(e.Node);
            return (node.Address, port.NodePort, backends);
        }
        return (port.ClusterIp, port.Port, backends);
    }

    /// <summary>Each workload's pods, in the cluster's pod order (selectors match a workload's labels, so all its pods or none).</summary>
    private Dictionary<WorkloadSpec, List<BuiltPod>> PodsByWorkload()
    {
        var byName = new Dictionary<string, (WorkloadSpec Workload, List<BuiltPod> Pods)>(StringComparer.Ordinal);
        foreach (var w in _cluster.Context.Scenario.Workloads.Concat(Dns.ClusterDns.Workloads(_cluster.Context.Scenario))) byName[w.Name] = (w, new List<BuiltPod>());
        foreach (var pod in _cluster.Pods) byName[pod.Placed.Workload].Pods.Add(pod);
        var podsOf = new Dictionary<WorkloadSpec, List<BuiltPod>>(ReferenceEqualityComparer.Instance);
        foreach (var (w, pods) in byName.Values) podsOf[w] = pods;
        return podsOf;
    }

    /// <summary>
    /// The pods a Service selects with their workloads, in the cluster's pod order (the endpoint order). The workloads
    /// come from the label index, so thousands of Services over thousands of workloads are not matched pair by pair.
    /// </summary>
    private static List<(BuiltPod Pod, WorkloadSpec Workload)> Selected(ServiceSpec svc, ServiceSelection selection,
        Dictionary<WorkloadSpec, List<BuiltPod>> podsOf, Dictionary<BuiltPod, int> order)
    {
        var selected = new List<(BuiltPod Pod, WorkloadSpec Workload)>();
        if (svc.Type == ServiceSpec.ExternalNameType) return selected;
        foreach (var w in selection.Of(svc))
            foreach (var pod in podsOf[w]) selected.Add((pod, w));
        if (selected.Count > 1) selected.Sort((x, y) => order[x.Pod].CompareTo(order[y.Pod]));
        return selected;
    }

    private ServicePort ToServicePort(ServiceSpec svc, ServicePortSpec p, Ipv4Address clusterIp, List<(BuiltPod Pod, WorkloadSpec Workload)> selected)
    {
        var endpoints = new List<ServiceEndpoint>(selected.Count);
        foreach (var (pod, w) in selected)
            endpoints.Add(new ServiceEndpoint(pod.Address, TargetPort(svc, p, w), pod.Node.Name));
        var hinted = Hinted(svc, endpoints);
        byte protocol = p.Protocol == "UDP" ? Ipv4Header.ProtocolUdp : Ipv4Header.ProtocolTcp;
        return new ServicePort(svc.Namespace, svc.Name, p.Name, protocol, clusterIp, (ushort)p.Port, (ushort)p.NodePort, hinted,
            svc.SessionAffinity == "ClientIP", (long)svc.AffinityTimeout.TotalSeconds, svc.ExternalTrafficPolicy == "Local",
            svc.InternalTrafficPolicy == "Local")
        { ExternalIps = svc.ExternalIps, LoadBalancerIps = svc.LoadBalancerIngress, HealthCheckNodePort = (ushort)svc.HealthCheckNodePort };
    }

    /// <summary>The EndpointSlice controller's zone hints for <paramref name="svc"/>'s endpoints (none unless it asks for them).</summary>
    private IReadOnlyList<ServiceEndpoint> Hinted(ServiceSpec svc, IReadOnlyList<ServiceEndpoint> endpoints)
    {
        if (svc.TopologyMode.Length == 0 && svc.TrafficDistribution.Length == 0) return endpoints;
        var nodes = _cluster.Context.Scenario.Cluster.Nodes;
        return TopologyHints.Apply(endpoints, svc.TopologyMode, svc.TrafficDistribution, ZoneOf, ZoneCpu(nodes));
    }

    /// <summary>The Service's ports re-hinted after its endpoints changed (the controller recomputes hints on every sync).</summary>
    private ServicePort Rehint(ServicePort port) =>
        _services.TryGetValue(port.Name, out var svc) ? port with { Endpoints = Hinted(svc.Spec, port.Endpoints) } : port;

    private string ZoneOf(string node) => _zones.GetValueOrDefault(node, "");

    /// <summary>
    /// topologycache.SetNodes: allocatable CPU per zone over the worker nodes (control-plane nodes are excluded), null
    /// when one lacks a zone. A node's allocatable CPU is its scenario core count (no kubelet reservation is modelled).
    /// </summary>
    private static List<(string Zone, long MilliCpu)>? ZoneCpu(IReadOnlyList<NodeSpec> nodes)
    {
        var byZone = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var n in nodes)
        {
            if (n.Role == "control-plane") continue;
            if (n.Zone.Length == 0) return null;
            byZone[n.Zone] = byZone.GetValueOrDefault(n.Zone) + n.Cores * 1000L;
        }
        return [.. byZone.Select(kv => (kv.Key, kv.Value))];
    }

    /// <summary>
    /// The port <paramref name="pod"/> serves a headless Service's first port on: its endpoint port (targetPort by number or
    /// container port name), the port the DNS spec's SRV records give a client, as nothing translates the Service's port.
    /// </summary>
    public ushort HeadlessTargetPort(ServiceSpec svc, BuiltPod pod)
    {
        ArgumentNullException.ThrowIfNull(svc);
        ArgumentNullException.ThrowIfNull(pod);
        var s = _cluster.Context.Scenario;
        var w = s.Workloads.Concat(Dns.ClusterDns.Workloads(s)).First(x => x.Name == pod.Placed.Workload);
        return TargetPort(svc, svc.Ports[0], w);
    }

    /// <summary>A target port by number, or by the name of a container port of the selected workload.</summary>
    private ushort TargetPort(ServiceSpec svc, ServicePortSpec p, WorkloadSpec w)
    {
        if (ushort.TryParse(p.TargetPort, NumberStyles.None, CultureInfo.InvariantCulture, out ushort n)) return n;
        var named = w.Ports.FirstOrDefault(x => x.Name == p.TargetPort)
            ?? throw new InputException(_cluster.Context.Scenario.File, 0, $"services.{svc.Name}.ports", $"workload {w.Name} has no container port named '{p.TargetPort}'");
        return (ushort)named.Port;
    }

    private void Sync(BuiltNode node, List<ServicePort> services)
    {
        var s = _cluster.Context.Scenario;
        // --cluster-cidr is where pods live: the VPC for aws-vpc-cni (its pods hold node-network addresses).
        var podRange = s.Cni.Datapath == Scenarios.DatapathNames.AwsVpcCni ? s.Cluster.NodeCidr : s.Cluster.PodCidr;
        var config = new KubeProxyNodeConfig(node.Name, node.Address, podRange, MasqueradeAll: s.KubeProxy.MasqueradeAll) { Zone = ZoneOf(node.Name) };
        var random = _cluster.Context.Random($"{node.Name}/kube-proxy");
        IServiceProxy proxy = CalicoEbpfKubeProxy.ServiceProxyMode(s) switch
        {
            "iptables" => new KubeProxyIptables(random),
            "ipvs" => new KubeProxyIpvs(s.KubeProxy.IpvsScheduler),
            "nftables" => new KubeProxyNftables(random),
            _ => Ebpf(node, random),
        };
        proxy.Sync(node.Host, config, services);
        Proxies.Add(proxy);
        _proxyOf[node] = (proxy, config);
        _syncedOf[node] = [.. services];
    }

    /// <summary>
    /// The endpoint slice controller's view after the node lifecycle controller marks <paramref name="node"/> NotReady
    /// (its pods' Ready condition false): their endpoints leave every Service's ready set. Proxies keep the old rules
    /// until <see cref="SyncProxy"/>. Returns one line per Service that lost endpoints.
    /// </summary>
    public IReadOnlyList<string> MarkNodeNotReady(string node) => SetNodeReady(node, ready: false);

    /// <summary>The node is Ready again: its pods' endpoints return to their Services (to be synced by each proxy).</summary>
    public IReadOnlyList<string> MarkNodeReady(string node) => SetNodeReady(node, ready: true);

    private List<string> SetNodeReady(string node, bool ready)
    {
        bool changed = ready ? _notReady.Remove(node) : _notReady.Add(node);
        var lines = new List<string>();
        if (!changed) return lines;
        for (int i = 0; i < _all.Count; i++)
        {
            var full = _all[i];
            var kept = full.Endpoints.Where(e => !_notReady.Contains(e.Node)).ToList();
            var moved = full.Endpoints.Where(e => e.Node == node).Select(e => e.Ip.ToString()).ToList();
            if (moved.Count == 0) continue;
            _programmed[i] = full with { Endpoints = kept };
            if (!ready && full.Protocol == Ipv4Header.ProtocolUdp)
                foreach (var e in full.Endpoints.Where(e => e.Node == node)) _staleUdp.Add((full.ClusterIp, e.Ip));
            lines.Add($"endpoint{(moved.Count > 1 ? "s" : "")} {string.Join(", ", moved)} {(ready ? "back in" : "removed from")} Service {full.Name} port {full.Port} ({kept.Count} ready)");
        }
        return lines;
    }

    /// <summary>
    /// The Service ports <paramref name="node"/>'s proxy was last synced with (empty when it has none): kube-proxy's
    /// health-check server answers from this view (its local endpoints), not from the API's.
    /// </summary>
    public IReadOnlyList<ServicePort> SyncedOn(BuiltNode node) => _syncedOf.TryGetValue(node, out var ports) ? ports : [];

    /// <summary>Nodes whose proxy <see cref="SyncProxy"/> can program (none when kube-proxy is off).</summary>
    public IEnumerable<BuiltNode> ProxiedNodes => _cluster.Nodes.Where(_proxyOf.ContainsKey);

    /// <summary>kube-proxy's (or the eBPF agent's) next sync on <paramref name="node"/>: its rules rewritten from the Services' ready endpoints now.</summary>
    public void SyncProxy(BuiltNode node)
    {
        if (!_proxyOf.TryGetValue(node, out var p)) return;
        p.Proxy.Sync(node.Host, p.Config, _programmed);
        _syncedOf[node] = [.. _programmed];
        _cluster.Network.AfterKubeProxySync(node);
    }

    /// <summary>
    /// After a sync, kube-proxy deletes the conntrack entries of UDP flows DNATed to an endpoint it removed (conntrack -D
    /// --orig-dst CLUSTER-IP --reply-src ENDPOINT -p udp), so a client that keeps sending is translated afresh; TCP
    /// entries stay (they fail until they time out). Returns how many entries went on <paramref name="node"/>.
    /// </summary>
    public int DeleteStaleUdpConntrack(BuiltNode node)
    {
        if (_staleUdp.Count == 0 || !_proxyOf.ContainsKey(node)) return 0;
        var table = node.Host.Conntrack;
        var stale = table.Entries.Where(e => e.Original.Protocol == Ipv4Header.ProtocolUdp
            && _staleUdp.Contains((e.Original.Destination, e.Reply.Source))).ToList();
        foreach (var e in stale) table.Remove(e);
        return stale.Count;
    }

    /// <summary>Every node has synced: the removed UDP endpoints are forgotten.</summary>
    public void ForgetStaleUdp() => _staleUdp.Clear();

    /// <summary>The eBPF Service proxy in front of the CNI's own programs on every pod veth and on eth0.</summary>
    private EbpfServiceProxy Ebpf(BuiltNode node, Random random)
    {
        bool cilium = _cluster.Network is CiliumNetwork;
        // No NOTRACK for pod traffic when its masquerade is iptables' (Calico eBPF's natOutgoing): nf_nat needs conntrack.
        var cni = _cluster.Context.Scenario.Cni;
        bool iptablesMasquerade = cni.Masquerade && !cilium;
        var proxy = new EbpfServiceProxy(cilium ? CiliumNetwork.BpfLxcUnits : 1, random) { NoConntrack = !cni.Conntrack && !iptablesMasquerade };
        foreach (var pod in node.Pods)
        {
            if (pod.HostVeth is not { } veth) continue;
            veth.TcIngress = null;
            veth.TcEgress = null;
            proxy.AttachToPod(veth, node.PodProgram, node.ToPodProgram);
        }
        node.Eth0.TcIngress = null;
        proxy.AttachToNode(node.Eth0, node.NodeProgram);
        if (node.PolicyEnforcer is { } policy) policy.Services = proxy;
        return proxy;
    }
}
