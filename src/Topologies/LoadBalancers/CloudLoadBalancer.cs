using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Netfilter;
using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Engine.Elements;
using NetSim.Engine.Packets;
using NetSim.Topologies.Build;
using NetSim.Topologies.KubeProxy;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.LoadBalancers;

/// <summary>
/// A cloud provider's network load balancer in front of the cluster (cluster.load_balancer: cloud), at the edge where
/// the cluster's gateway router is: each LoadBalancer Service's ingress address is a local address of the edge (lb0),
/// and a new connection to address:port is sent to one node's NodePort (an IPVS NAT virtual service with a 5-tuple
/// flow hash, <see cref="CloudFlowHash"/>); the client's address is kept, as with AWS NLB instance targets, and the
/// node's reply comes back through the edge (every node's way out), where conntrack undoes the translation.
/// Health checks decide which nodes get new connections: every interval the balancer asks each node — with
/// externalTrafficPolicy Local kube-proxy's healthCheckNodePort (/healthz: 200 only while the node has a local ready
/// endpoint, in kube-proxy's last-synced view), with Cluster kube-proxy's own /healthz (200 while it runs) — and a node
/// leaves after unhealthy_threshold failures in a row, returns after healthy_threshold successes. When no node is
/// healthy the balancer fails open and uses them all (AWS and GCP both do). Probes carry no packets in the model.
/// </summary>
public sealed class CloudLoadBalancer : IEventTarget
{
    /// <summary>The edge's device holding the load-balancer addresses.</summary>
    public const string DeviceName = "lb0";

    private readonly BuiltCluster _cluster;
    private readonly ServiceWiring _services;
    private readonly LoadBalancerHealthCheckSpec _check;
    private readonly NetworkNamespaceHost _edge;
    private readonly List<Backend> _backends = new();
    private readonly List<string> _eligible;

    public CloudLoadBalancer(BuiltCluster cluster, ServiceWiring services, LoadBalancerHealthCheckSpec check)
    {
        _cluster = cluster;
        _services = services;
        _check = check;
        _eligible = LoadBalancerProvisioner.EligibleNodes(cluster);
        var gateway = cluster.Externals.First(n => n.Name == ExternalGateway.Name);
        _edge = new NetworkNamespaceHost(gateway);
    }

    /// <summary>The virtual services (one per Service port), for reports and tests.</summary>
    public IpvsTable Table => _edge.Table;

    /// <summary>Every change of a node's health for a Service: when, which, and whether it now gets new connections.</summary>
    public List<(SimTime At, string Service, string Node, bool Healthy)> HealthChanges { get; } = new();

    /// <summary>One line per health change, for the run's notes.</summary>
    public IEnumerable<string> Notes => HealthChanges.Select(c =>
        $"cloud load balancer: {c.Node} {(c.Healthy ? "back in" : "out of")} rotation for Service {c.Service} at {c.At} " +
        (c.Healthy ? $"({_check.HealthyThreshold} good health check(s))" : $"({_check.UnhealthyThreshold} failed health checks, {_check.Interval} apart)"));

    /// <summary>The nodes currently in rotation for <paramref name="service"/>.</summary>
    public IReadOnlyList<string> InRotation(string service) =>
        _backends.First(b => b.Spec.Name == service).Healthy.Where(kv => kv.Value.Healthy).Select(kv => kv.Key).OrderBy(n => n, StringComparer.Ordinal).ToList();

    /// <summary>A Service's ingress address served on its ports, every eligible node's NodePort behind each.</summary>
    internal void Add(ServiceSpec spec)
    {
        var vip = spec.LoadBalancerIngress[0];
        _edge.Bind(vip);
        var backend = new Backend(spec);
        foreach (var p in spec.Ports)
        {
            byte protocol = p.Protocol == "UDP" ? Ipv4Header.ProtocolUdp : Ipv4Header.ProtocolTcp;
            backend.Ports.Add((_edge.Table.GetOrAdd(new ServiceFrontend(vip, protocol, (ushort)p.Port), new CloudFlowHash()), (ushort)p.NodePort));
        }
        foreach (var node in _eligible) backend.Healthy[node] = new NodeHealth();
        _backends.Add(backend);
    }

    /// <summary>The balancer has run long before the simulation: each node starts in the state its probe gives now; probing continues every interval.</summary>
    internal void Start()
    {
        foreach (var b in _backends)
        {
            foreach (var node in _eligible) b.Healthy[node].Healthy = Probe(b.Spec, node);
            Program(b);
        }
        _cluster.Context.Sim.Schedule(_check.Interval, this, EventKinds.ControlPlane);
    }

    void IEventTarget.OnEvent(in SimEvent ev)
    {
        foreach (var b in _backends)
        {
            bool changed = false;
            foreach (var node in _eligible)
            {
                var h = b.Healthy[node];
                bool ok = Probe(b.Spec, node);
                h.Successes = ok ? h.Successes + 1 : 0;
                h.Failures = ok ? 0 : h.Failures + 1;
                bool now = h.Healthy ? h.Failures < _check.UnhealthyThreshold : h.Successes >= _check.HealthyThreshold;
                if (now == h.Healthy) continue;
                h.Healthy = now;
                changed = true;
                HealthChanges.Add((new SimTime(ev.Time), b.Spec.Name, node, now));
            }
            if (changed) Program(b);
        }
        _cluster.Context.Sim.Schedule(_check.Interval, this, EventKinds.ControlPlane);
    }

    /// <summary>
    /// What the node answers: kube-proxy's healthCheckNodePort server says 200 while its last sync gave it a local ready
    /// endpoint of the Service (Local); its /healthz on 10256 says 200 while it runs (Cluster).
    /// </summary>
    private bool Probe(ServiceSpec spec, string node)
    {
        var built = _cluster.Node(node);
        if (spec.ExternalTrafficPolicy != "Local") return _services.ProxyOf(built) is not null;
        foreach (var port in _services.SyncedOn(built))
            if (port.Name == spec.Name && port.Namespace == spec.Namespace)
                foreach (var ep in port.Endpoints)
                    if (ep.Node == node && ep.Ready) return true;
        return false;
    }

    /// <summary>New connections go to the healthy nodes' NodePorts, or to every node when none is healthy (fail open).</summary>
    private void Program(Backend b)
    {
        var healthy = _eligible.Where(n => b.Healthy[n].Healthy).ToList();
        var targets = healthy.Count > 0 ? healthy : _eligible;
        foreach (var (vs, nodePort) in b.Ports)
            vs.SetDestinations(targets.Select(n => new ServiceEndpoint(_cluster.Node(n).Address, nodePort, n)).ToList());
    }

    private sealed class Backend(ServiceSpec spec)
    {
        public ServiceSpec Spec { get; } = spec;
        public List<(IpvsVirtualServer Server, ushort NodePort)> Ports { get; } = new();
        public Dictionary<string, NodeHealth> Healthy { get; } = new(StringComparer.Ordinal);
    }

    private sealed class NodeHealth
    {
        public bool Healthy { get; set; }
        public int Successes { get; set; }
        public int Failures { get; set; }
    }

    /// <summary>The edge router's namespace with IPVS hooked at LOCAL_IN and a dummy device for the addresses.</summary>
    private sealed class NetworkNamespaceHost
    {
        private readonly Datapaths.Namespaces.NetworkNamespace _ns;
        private readonly DummyDevice _lb0;

        public NetworkNamespaceHost(BuiltNode gateway)
        {
            _ns = gateway.Host;
            _lb0 = new DummyDevice(_ns, DeviceName);
            _ns.Conntrack.Mode = Datapaths.Conntrack.ConntrackMode.On; // IPVS NAT binds its translation in conntrack (net.ipv4.vs.conntrack=1)
            var hook = new IpvsHook(Table, new IpvsXmit(_ns), localIn: true);
            _ns.Netfilter.Register(NfInetHook.LocalIn, NfHookPriority.NatSource - 1, hook);
        }

        public IpvsTable Table { get; } = new();

        public void Bind(Ipv4Address vip)
        {
            if (!_ns.IsLocalAddress(vip)) _ns.AddAddress(_lb0, new Datapaths.Namespaces.InterfaceAddress(vip, 32));
        }
    }
}
