using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;
using NetSim.Topologies.KubeProxy;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Build;

/// <summary>
/// The Services while the cluster changes: endpoints join when a pod becomes Ready and leave when it starts
/// terminating (the EndpointSlice controller's view), Services are created and deleted; proxies see all of it only
/// at their next sync, from a snapshot taken when the sync starts.
/// </summary>
public sealed partial class ServiceWiring
{
    private int _nextClusterIpIndex;
    private readonly Dictionary<string, int> _copies = new(StringComparer.Ordinal);

    /// <summary>Service ports as the API has them now (ready endpoints only): what a proxy sync starting now reads.</summary>
    public ServicePort[] Snapshot() => [.. _programmed];

    /// <summary>Service ports the API has now.</summary>
    public int ServicePortCount => _programmed.Count;

    /// <summary>A proxy sync on <paramref name="node"/> from a snapshot taken when it started.</summary>
    public void SyncProxy(BuiltNode node, IReadOnlyList<ServicePort> snapshot)
    {
        if (!_proxyOf.TryGetValue(node, out var p)) return;
        p.Proxy.Sync(node.Host, p.Config, snapshot);
        _syncedOf[node] = [.. snapshot];
        _cluster.Network.AfterKubeProxySync(node);
    }

    /// <summary>The proxy programmed on <paramref name="node"/>, if any.</summary>
    public IServiceProxy? ProxyOf(BuiltNode node) => _proxyOf.TryGetValue(node, out var p) ? p.Proxy : null;

    /// <summary>The UDP (ClusterIP, endpoint) pairs removed since the last take: deleted from conntrack after the next sync.</summary>
    public List<(Ipv4Address Service, Ipv4Address Endpoint)> TakeStaleUdp()
    {
        var taken = _staleUdp.ToList();
        _staleUdp.Clear();
        return taken;
    }

    /// <summary>conntrack -D of UDP entries DNATed to the given removed endpoints, after a sync; returns how many went.</summary>
    public int DeleteStaleUdpConntrack(BuiltNode node, List<(Ipv4Address Service, Ipv4Address Endpoint)> pairs)
    {
        if (pairs.Count == 0 || !_proxyOf.ContainsKey(node)) return 0;
        var table = node.Host.Conntrack;
        var stale = table.Entries.Where(e => e.Original.Protocol == Ipv4Header.ProtocolUdp && pairs.Contains((e.Original.Destination, e.Reply.Source))).ToList();
        foreach (var e in stale) table.Remove(e);
        return stale.Count;
    }

    /// <summary>
    /// The pod's Ready condition turned true: it joins the endpoints of every Service whose selector matches its labels
    /// (each port's target port resolved against its workload). Returns one line per Service it joined.
    /// </summary>
    public List<string> AddPodEndpoints(BuiltPod pod)
    {
        var w = WorkloadOf(pod);
        var lines = new List<string>();
        for (int i = 0; i < _all.Count; i++)
        {
            var port = _all[i];
            if (!_services.TryGetValue(port.Name, out var svc) || !Selects(svc.Spec, w)) continue;
            var spec = svc.Spec.Ports.FirstOrDefault(p => (ushort)p.Port == port.Port) ?? svc.Spec.Ports[0];
            _all[i] = Rehint(port with { Endpoints = [.. port.Endpoints, new ServiceEndpoint(pod.Address, TargetPort(svc.Spec, spec, w), pod.Node.Name)] });
            _programmed[i] = _all[i] with { Endpoints = _all[i].Endpoints.Where(e => !_notReady.Contains(e.Node)).ToList() };
            lines.Add($"endpoint {pod.Address} added to Service {port.Name} port {port.Port} ({_programmed[i].Endpoints.Count} ready)");
        }
        return lines;
    }

    /// <summary>
    /// The pod started terminating: the EndpointSlice controller sets its endpoints' conditions to ready=false,
    /// terminating=true, serving as its readiness probe still reports (true while the application serves, through its
    /// shutdown delay). kube-proxy stops choosing it at its next sync unless it is the last serving endpoint left
    /// (ProxyTerminatingEndpoints, GA in 1.28: all endpoints terminating, or none local with externalTrafficPolicy
    /// Local). Returns one line per Service whose endpoint changed.
    /// </summary>
    public List<string> MarkPodTerminating(BuiltPod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var lines = new List<string>();
        for (int i = 0; i < _all.Count; i++)
        {
            var port = _all[i];
            if (!port.Endpoints.Any(e => e.Ip == pod.Address && e.Node == pod.Node.Name && !e.Terminating)) continue;
            _all[i] = Rehint(port with { Endpoints = port.Endpoints.Select(e => e.Ip == pod.Address && e.Node == pod.Node.Name ? e with { Terminating = true } : e).ToList() });
            _programmed[i] = _all[i] with { Endpoints = _all[i].Endpoints.Where(e => !_notReady.Contains(e.Node)).ToList() };
            int ready = _programmed[i].Endpoints.Count(e => e.IsReady);
            lines.Add($"endpoint {pod.Address} of Service {port.Name} port {port.Port} terminating (ready=false serving=true terminating=true; {ready} ready left{(ready == 0 ? ": proxies fall back to the serving terminating ones" : "")})");
        }
        return lines;
    }

    /// <summary>
    /// The pod is terminating (or gone): its endpoints leave every Service (kube-proxy stops choosing them at its next
    /// sync); its UDP flows' conntrack entries are deleted after that sync. Returns one line per Service it left.
    /// </summary>
    public List<string> RemovePodEndpoints(BuiltPod pod)
    {
        var lines = new List<string>();
        for (int i = 0; i < _all.Count; i++)
        {
            var port = _all[i];
            if (!port.Endpoints.Any(e => e.Ip == pod.Address && e.Node == pod.Node.Name)) continue;
            _all[i] = Rehint(port with { Endpoints = port.Endpoints.Where(e => !(e.Ip == pod.Address && e.Node == pod.Node.Name)).ToList() });
            _programmed[i] = _all[i] with { Endpoints = _all[i].Endpoints.Where(e => !_notReady.Contains(e.Node)).ToList() };
            if (port.Protocol == Ipv4Header.ProtocolUdp) _staleUdp.Add((port.ClusterIp, pod.Address));
            lines.Add($"endpoint {pod.Address} removed from Service {port.Name} port {port.Port} ({_programmed[i].Endpoints.Count(e => e.IsReady)} ready)");
        }
        return lines;
    }

    /// <summary>
    /// A new Service copied from <paramref name="template"/> (same selector and ports, the next free ClusterIP, the
    /// template's endpoints as they are now; no node ports or external IPs), named TEMPLATE-cN. Returns its name and ClusterIP.
    /// </summary>
    public (string Name, Ipv4Address ClusterIp) AddServiceCopy(string template)
    {
        var (spec, _) = _services[template];
        int n = _copies[template] = _copies.GetValueOrDefault(template) + 1;
        // Like its node ports, the template's external IPs stay the template's: one address:port serves one Service.
        var copy = spec with { Name = $"{template}-c{n}", ExternalIps = [], LoadBalancerIngress = [], HealthCheckNodePort = 0 };
        var ip = _cluster.Context.Scenario.Cluster.ServiceCidr.Address((ulong)_nextClusterIpIndex++);
        var templatePorts = _all.Where(p => p.Name == template).ToList();
        var ports = templatePorts.Select(p => p with { Name = copy.Name, ClusterIp = ip, NodePort = 0, ExternalIps = [], LoadBalancerIps = [], HealthCheckNodePort = 0 }).ToList();
        _services[copy.Name] = (copy, ports);
        foreach (var p in ports)
        {
            _all.Add(p);
            _programmed.Add(p with { Endpoints = p.Endpoints.Where(e => !_notReady.Contains(e.Node)).ToList() });
        }
        return (copy.Name, ip);
    }

    /// <summary>Deletes the newest copy of <paramref name="template"/>, or the Service itself when it has none; returns the deleted name.</summary>
    public string RemoveService(string template)
    {
        int n = _copies.GetValueOrDefault(template);
        string name = n > 0 ? $"{template}-c{n}" : template;
        if (n > 0) _copies[template] = n - 1;
        // _services keeps the Service: traffic wired to it still resolves (its endpoints, for the run's checks).
        for (int i = _all.Count - 1; i >= 0; i--)
        {
            if (_all[i].Name != name) continue;
            if (_all[i].Protocol == Ipv4Header.ProtocolUdp)
                foreach (var e in _all[i].Endpoints) _staleUdp.Add((_all[i].ClusterIp, e.Ip));
            _all.RemoveAt(i);
            _programmed.RemoveAt(i);
        }
        return name;
    }

    /// <summary>An eBPF Service proxy attaches in front of the CNI's program on a pod's veth when the pod starts.</summary>
    public void AttachNewPod(BuiltPod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (ProxyOf(pod.Node) is not EbpfServiceProxy proxy || pod.HostVeth is not { } veth) return;
        veth.TcIngress = null;
        veth.TcEgress = null;
        proxy.AttachToPod(veth, pod.Node.PodProgram, pod.Node.ToPodProgram);
    }

    private WorkloadSpec WorkloadOf(BuiltPod pod) =>
        _cluster.Context.Scenario.Workloads.Concat(Dns.ClusterDns.Workloads(_cluster.Context.Scenario)).First(w => w.Name == pod.Placed.Workload);

    private static bool Selects(ServiceSpec svc, WorkloadSpec w) =>
        svc.Type != ServiceSpec.ExternalNameType && w.Namespace == svc.Namespace && ScenarioValidator.Selects(svc.Selector, w.Labels);
}
