using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Addressing;
using NetSim.Engine.Diagnostics;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Traffic.Applications;
using NetSim.Traffic.Dns;
using NetSim.Traffic.Metrics;
using NetSim.Traffic.Transport;
using NetSim.Traffic.Transport.Tcp;

namespace NetSim.Topologies.Build;

/// <summary>
/// Turns the scenario's traffic into running applications: a server where the traffic goes (each endpoint pod of
/// a Service), a client where it comes from, with the tool's own defaults (iperf3 port 5201, netperf 12866).
/// </summary>
public sealed class TrafficWiring
{
    /// <summary>The tools' default ports: iperf3's 5201 and netperf's data port 12866 (a group's index is added).</summary>
    public const ushort IperfPort = 5201, NetperfPort = 12866;

    private readonly BuiltCluster _cluster;
    private readonly Dictionary<NetworkNamespace, TransportLayer> _transports = new();
    private readonly TransactionDirectory _directory = new();

    public TrafficWiring(BuiltCluster cluster, FlowTable flows)
    {
        _cluster = cluster;
        Flows = flows;
    }

    public FlowTable Flows { get; }
    public List<TrafficApp> Apps { get; } = new();

    /// <summary>Resolves how a Service destination is reached; set when Services are programmed.</summary>
    public Func<EndpointRef, (Ipv4Address Address, ushort Port, IReadOnlyList<(BuiltPod Pod, ushort Port)> Backends)>? ResolveService { get; init; }

    /// <summary>The Services and their endpoints (cluster DNS answers from them); set when Services are programmed.</summary>
    public ServiceWiring? Services { get; init; }

    /// <summary>Cluster DNS (CoreDNS servers and resolv.conf), started by the first traffic that needs it.</summary>
    public Dns.DnsWiring? ClusterDns => _dns ??= _cluster.Context.Scenario.Dns.Enabled && Services is not null
        ? new Dns.DnsWiring(_cluster, Services, this) : null;

    private Dns.DnsWiring? _dns;

    public void WireAll()
    {
        _ = ClusterDns;
        var traffic = _cluster.Context.Scenario.Traffic;
        for (int i = 0; i < traffic.Count; i++)
        {
            if (WithoutSandbox(traffic[i]) is { } pod)
            {
                NotStarted.Add($"traffic {traffic[i].Name} not started: pod {pod} has no sandbox (its CNI ADD failed)");
                continue;
            }
            Wire(traffic[i], i);
        }
    }

    /// <summary>Traffic groups that could not start because an endpoint pod's CNI ADD failed, each in words.</summary>
    public List<string> NotStarted { get; } = new();

    /// <summary>The endpoint pod of <paramref name="t"/> that failed its CNI ADD, or null.</summary>
    private string? WithoutSandbox(TrafficSpec t)
    {
        foreach (var e in new[] { t.From, t.To })
            if (e.Kind is EndpointKind.Pod or EndpointKind.Workload && _cluster.HasNoSandbox(e.Name)) return e.Name;
        return null;
    }

    /// <summary>Starts one traffic group (its index picks the tool port, so groups do not collide).</summary>
    public void Wire(TrafficSpec t, int index) => Wire(t, index, 0);

    /// <summary>Starts one traffic group; a non-zero <paramref name="port"/> is the destination port (a trace's --port) instead of the tool's or Service's.</summary>
    public void Wire(TrafficSpec t, int index, ushort port)
    {
        var tcp = new TcpSocketOptions { CongestionControl = t.Congestion == "newreno" ? CongestionControlAlgorithm.NewReno : CongestionControlAlgorithm.Cubic, NoDelay = t.NoDelay };
        var scenario = _cluster.Context.Scenario;
        if (t.Kind == "replay")
        {
            WireReplay(t, index, tcp);
            return;
        }
        Engine.Core.SimTime duration = t.Duration ?? (scenario.Duration - t.Start);
        var client = Endpoint(t.From, $"{t.Name}/client");
        _cluster.Context.Sim.SetupNode = client.Transport.Namespace.Node.Id; // the client's start events are its node's
        if (t.To.Kind == EndpointKind.Dns)
        {
            WireResolving(t, index, client, port, tcp, duration);
            return;
        }
        var (address, toPort, servers) = Destination(t, index, port);
        if (t.Kind != "ping") // the kernel answers echoes itself: no server process
            foreach (var (ep, p) in servers) StartServer(t, ep, p, tcp);
        switch (t.Kind)
        {
            case "bulk":
                var bulk = new BulkStreamClient(client, new BulkStreamOptions
                {
                    Name = t.Name, Server = address, Port = toPort, Streams = t.Streams, StartAt = t.Start, Duration = t.Bytes > 0 ? null : duration,
                    Bytes = t.Bytes > 0 ? t.Bytes : null, Protocol = t.Protocol == "udp" ? StreamProtocol.Udp : StreamProtocol.Tcp,
                    TargetBitsPerSecond = t.RateBps > 0 ? t.RateBps : 1_000_000, Tcp = tcp,
                }, Flows);
                bulk.Start();
                Apps.Add(new TrafficApp(t, t.From.ToString(), t.To.ToString(), bulk.Metrics, bulk.Snapshot));
                break;
            case "rr":
                var rr = new RequestResponseClient(client, _directory, new RequestResponseOptions
                {
                    Name = t.Name, Server = address, Port = toPort, RequestBytes = Samplers.Constant(t.RequestSize), ResponseBytes = Samplers.Constant(t.ResponseSize),
                    InFlight = t.InFlight, StartAt = t.Start, Duration = duration, Transactions = t.Count > 0 ? t.Count : null, Tcp = tcp,
                }, Flows);
                rr.Start();
                Apps.Add(new TrafficApp(t, t.From.ToString(), t.To.ToString(), rr.Metrics, rr.Metrics.Snapshot));
                break;
            case "crr":
                var crr = new ConnectRequestResponseClient(client, _directory, new ConnectRequestResponseOptions
                {
                    Name = t.Name, Server = address, Port = toPort, RequestBytes = Samplers.Constant(t.RequestSize), ResponseBytes = Samplers.Constant(t.ResponseSize),
                    StartAt = t.Start, Duration = duration, Transactions = t.Count > 0 ? t.Count : null, Tcp = tcp,
                }, Flows);
                crr.Start();
                Apps.Add(new TrafficApp(t, t.From.ToString(), t.To.ToString(), crr.Metrics, crr.Metrics.Snapshot));
                break;
            case "poisson":
                var rng = _cluster.Context.Random($"traffic/{t.Name}");
                var open = new OpenLoopClient(client, _directory, new OpenLoopOptions
                {
                    Name = t.Name, Server = address, Port = toPort, InterArrivalSeconds = Samplers.Exponential(t.MeanInterarrival!.Value.TotalSeconds, rng),
                    RequestBytes = Samplers.Constant(t.RequestSize), ResponseBytes = Samplers.Constant(t.ResponseSize), StartAt = t.Start, Duration = duration,
                    MaxArrivals = t.Count > 0 ? t.Count : null, Tcp = tcp,
                }, Flows);
                open.Start();
                Apps.Add(new TrafficApp(t, t.From.ToString(), t.To.ToString(), open.Metrics, open.Metrics.Snapshot));
                break;
            case "ping":
                // To a ClusterIP this goes wherever the proxy sends ICMP: kube-proxy's iptables and nftables rules
                // match only TCP, UDP and SCTP, so nothing DNATs it and it is routed like any off-node address.
                var ping = new PingClient(client, new PingOptions
                {
                    Name = t.Name, Destination = address, Interval = t.Interval, PayloadBytes = t.PayloadSize, Timeout = t.Timeout,
                    StartAt = t.Start, Duration = t.Count > 0 && t.Duration is null ? null : duration, Count = t.Count > 0 ? t.Count : null,
                }, Flows);
                ping.Start();
                Apps.Add(new TrafficApp(t, t.From.ToString(), t.To.ToString(), ping.Metrics, ping.Snapshot));
                break;
            default:
                throw new InputException(_cluster.Context.Scenario.File, 0, $"traffic[{index}].kind", $"'{t.Kind}' traffic is not runnable yet");
        }
    }

    /// <summary>
    /// Traffic to dns:NAME[:PORT]: a lookup loop (kind dns), or rr/crr whose client resolves the name first (crr once per
    /// connection, rr once) through its own stub resolver. Servers start where the name leads inside the cluster: a
    /// Service's endpoints (a ClusterIP Service's, or a headless Service's pods, reached pod to pod).
    /// </summary>
    private void WireResolving(TrafficSpec t, int index, TrafficEndpoint client, ushort port, TcpSocketOptions tcp, Engine.Core.SimTime duration)
    {
        var dns = ClusterDns ?? throw new InputException(_cluster.Context.Scenario.File, 0, $"traffic[{index}].to", "dns:NAME needs cluster DNS");
        string ns = t.From.Kind is EndpointKind.Pod or EndpointKind.Workload ? PodOf(t.From).Placed.Namespace : "default";
        var resolver = dns.Resolver(client, ns, _cluster.Context.Random($"traffic/{t.Name}/resolver"));
        if (t.Kind == "dns")
        {
            var lookups = new DnsLookupClient(client, resolver, new DnsLookupOptions(t.Name, t.To.Name, t.Interval, t.Start, duration, t.Count > 0 ? t.Count : null), Flows);
            lookups.Start();
            Apps.Add(new TrafficApp(t, t.From.ToString(), t.To.ToString(), lookups.Metrics, lookups.Metrics.Snapshot));
            return;
        }
        var (toPort, backends) = ResolvedBackends(t, index, port != 0 ? port : (ushort)t.To.Port);
        foreach (var (pod, p) in backends) StartServer(t, Endpoint(pod), p, tcp);
        var options = new ConnectRequestResponseOptions
        {
            Name = t.Name, Server = default, Port = toPort, RequestBytes = Samplers.Constant(t.RequestSize), ResponseBytes = Samplers.Constant(t.ResponseSize),
            StartAt = t.Start, Duration = duration, Transactions = t.Count > 0 ? t.Count : null, Tcp = tcp,
        };
        var client2 = new ResolvingClient(client, _directory, options, Flows, resolver, t.To.Name, reconnect: t.Kind == "crr");
        client2.Start();
        Apps.Add(new TrafficApp(t, t.From.ToString(), t.To.ToString(), client2.Metrics, client2.Metrics.Snapshot));
    }

    /// <summary>
    /// The port the client connects to (the name's, or else the Service's first; a headless Service's target port, as
    /// nothing translates it) and the pods behind the name with the port each serves it on: a ClusterIP Service's
    /// endpoints, or a headless Service's pods themselves.
    /// </summary>
    private (ushort Port, List<(BuiltPod Pod, ushort Port)> Backends) ResolvedBackends(TrafficSpec t, int index, ushort port)
    {
        var s = _cluster.Context.Scenario;
        foreach (var (spec, ip, pods) in Services!.Registry)
        {
            if (spec.Type == ServiceSpec.ExternalNameType || !Dns.ClusterDns.Names(spec, t.To.Name, s.Dns.ClusterDomain)) continue;
            if (ip is not null)
            {
                var (_, servicePort, backends) = ResolveService!(new EndpointRef(EndpointKind.Service, spec.Name, port, null, null));
                return (servicePort, backends.ToList());
            }
            if (port != 0) return (port, pods.Select(p => (p, port)).ToList());
            // No port named: each pod's endpoint port (the targetPort); the client connects to the first pod's.
            var served = pods.Select(p => (p, Services.HeadlessTargetPort(spec, p))).ToList();
            return (served.Count > 0 ? served[0].Item2 : (ushort)spec.Ports[0].Port, served);
        }
        throw new InputException(s.File, 0, $"traffic[{index}].to", $"'{t.To.Name}' names no Service of the cluster, so nothing serves port {port} there");
    }

    private BuiltPod PodOf(EndpointRef e) => _cluster.Pods.First(p => p.Name == e.Name || (p.Placed.Index == 0 && p.Placed.Workload == e.Name));

    /// <summary>Where the client connects and which servers to start (one per backend for a Service).</summary>
    private (Ipv4Address Address, ushort Port, List<(TrafficEndpoint Endpoint, ushort Port)> Servers) Destination(TrafficSpec t, int index, ushort port)
    {
        ushort toolPort = port != 0 ? port : (ushort)((t.Kind == "bulk" ? IperfPort : NetperfPort) + index);
        if (t.To.Kind is EndpointKind.Service or EndpointKind.NodePort or EndpointKind.ExternalIp or EndpointKind.LoadBalancer)
        {
            if (ResolveService is null)
                throw new InputException(_cluster.Context.Scenario.File, 0, $"traffic[{index}].to", "Services need kube-proxy, which this build does not program yet");
            var (vip, servicePort, backends) = ResolveService(port != 0 ? t.To with { Port = port } : t.To);
            return (vip, servicePort, backends.Select(b => (Endpoint(b.Pod), b.Port)).ToList());
        }
        var server = Endpoint(t.To, $"{t.Name}/server");
        // Containers of one pod share its network namespace: they talk over localhost (lo), no veth involved.
        bool samePod = t.From.Kind == EndpointKind.Pod && t.To.Kind == EndpointKind.Pod && t.From.Name == t.To.Name;
        var address = samePod ? Ipv4Address.Parse("127.0.0.1") : server.Address;
        return (address, toolPort, [(server with { Address = address }, toolPort)]);
    }

    /// <summary>
    /// A replay: each row of the trace CSV starts at its time (from the group's start) between the endpoints it
    /// names (pod:NAME, workload:NAME, node:NAME, external[:NAME]); TCP rows are one connection each, so every flow
    /// has its own completion time (flows.csv: start_us, end_us).
    /// </summary>
    private void WireReplay(TrafficSpec t, int index, TcpSocketOptions tcp)
    {
        var scenario = _cluster.Context.Scenario;
        string file = NetSim.Topologies.Scenarios.TrafficReader.TracePath(scenario.File, t.TraceFile!);
        if (!File.Exists(file)) throw new InputException(scenario.File, 0, $"traffic[{index}].trace", $"no trace file {file} (a relative path is relative to the scenario)");
        var records = TraceReader.ReadFile(file).Select(r => r with { StartPs = r.StartPs + t.Start.Picoseconds }).ToList();
        var endpoints = new Dictionary<string, TrafficEndpoint?>(StringComparer.Ordinal);
        TrafficEndpoint? Resolve(string name)
        {
            if (!endpoints.TryGetValue(name, out var ep))
                endpoints[name] = ep = EndpointRef.TryParse(name, out var e, out _) && Exists(e) ? Endpoint(e, $"{t.Name}/{name}") : null;
            return ep;
        }
        var replay = new TraceReplayer(records, Resolve, _directory, Flows, file, tcp, t.Name);
        replay.Start();
        Apps.Add(new TrafficApp(t, $"trace {t.TraceFile}", $"{records.Count} flows", replay.Metrics, replay.Metrics.Snapshot));
    }

    /// <summary>Whether a trace row's endpoint names a pod, workload, node or external client of the cluster.</summary>
    private bool Exists(EndpointRef e) => e.Kind switch
    {
        EndpointKind.Pod or EndpointKind.Workload => _cluster.Pods.Any(p => p.Name == e.Name || (p.Placed.Index == 0 && p.Placed.Workload == e.Name)),
        EndpointKind.Node => _cluster.Nodes.Any(n => n.Name == e.Name),
        EndpointKind.External => _cluster.Externals.Any(n => n.Name == e.Name),
        _ => false,
    };

    private readonly HashSet<(TransportLayer, ushort)> _listening = new();

    // The servers each Deployment's pods run as Service backends: a pod started later runs the same (ServeLikeSiblings).
    private readonly List<(string Workload, TrafficSpec Traffic, ushort Port, TcpSocketOptions Tcp)> _backendServers = new();

    /// <summary>A pod started while the cluster runs: its container serves what its workload's other pods serve as Service backends.</summary>
    public int ServeLikeSiblings(BuiltPod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        int started = 0;
        foreach (var (w, t, port, tcp) in _backendServers.ToList())
        {
            if (w != pod.Placed.Workload) continue;
            StartServer(t, Endpoint(pod), port, tcp);
            started++;
        }
        return started;
    }

    private void StartServer(TrafficSpec t, TrafficEndpoint at, ushort port, TcpSocketOptions tcp)
    {
        if (!_listening.Add((at.Transport, port))) return; // one listener per namespace and port, shared by groups
        if (_cluster.Pods.FirstOrDefault(p => p.Name == at.Name && p.Address == at.Address) is { } pod && !_backendServers.Any(s => s.Workload == pod.Placed.Workload && s.Port == port))
            _backendServers.Add((pod.Placed.Workload, t, port, tcp));
        if (t.Kind == "bulk") _ = new BulkStreamServer(at, port, tcp);
        else _ = new TransactionServer(at, port, _directory, tcp);
    }

    public TrafficEndpoint Endpoint(BuiltPod pod) => new(pod.Name, Transport(pod.Namespace), pod.Address);

    private TrafficEndpoint Endpoint(EndpointRef e, string name)
    {
        switch (e.Kind)
        {
            case EndpointKind.Pod:
            case EndpointKind.Workload:
                var pod = _cluster.Pods.First(p => p.Name == e.Name || (p.Placed.Index == 0 && p.Placed.Workload == e.Name));
                // pod:NAME@net1: the address Multus' network-status gives that interface.
                var address = pod.AddressOn(e.Interface) ?? throw new InputException(_cluster.Context.Scenario.File, 0, "traffic",
                    $"pod {pod.Name} has no address on {e.Interface} (its attachment has no IPAM)");
                return new TrafficEndpoint(name, Transport(pod.Namespace), address);
            case EndpointKind.Node:
                var node = _cluster.Node(e.Name);
                return new TrafficEndpoint(name, Transport(node.Host), node.Address);
            case EndpointKind.External:
                var ext = _cluster.External(e.Name);
                return new TrafficEndpoint(name, Transport(ext.Host), ext.Address);
            default:
                throw new InputException(_cluster.Context.Scenario.File, 0, "traffic", $"endpoint '{e}' cannot run an application yet");
        }
    }

    public TransportLayer Transport(NetworkNamespace ns)
    {
        if (!_transports.TryGetValue(ns, out var t)) _transports[ns] = t = new TransportLayer(ns, Flows);
        return t;
    }
}
