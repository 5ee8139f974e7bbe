using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Addressing;
using NetSim.Engine.Elements;
using NetSim.Topologies.KubeProxy;

namespace NetSim.Topologies.Tests.KubeProxy.Fixtures;

/// <summary>One node: host namespace with eth0 (192.168.0.N) and the bridge cni0 (10.244.N.1/24), pods on veths.</summary>
public sealed class ProxyNode
{
    public required string Name { get; init; }
    public required NodeContext Node { get; init; }
    public required NetworkNamespace Host { get; init; }
    public required PhysicalDevice Eth0 { get; init; }
    public required LinuxBridge Cni0 { get; init; }
    public required NetworkNamespace[] Pods { get; init; }
    public required VethPair[] Links { get; init; }
    public required PodSink[] Sinks { get; init; }
    public required Ipv4Address NodeIp { get; init; }
    public IServiceProxy? Proxy { get; set; }

    public Ipv4Address PodIp(int i) => Pods[i].Devices[1].Addresses[0].Address;
}

/// <summary>
/// A small cluster built from Datapaths elements: nodes routed host-gw style over a LAN (10.244.N.0/24 via
/// 192.168.0.N), the bridge in hairpin mode with br_netfilter on, and an external client (192.168.0.100) on the
/// same LAN, which is also the nodes' default gateway. <see cref="Install"/> runs one proxy mode on every node.
/// </summary>
public sealed class ProxyCluster
{
    public static readonly Ipv4Prefix ClusterCidr = Ipv4Prefix.Parse("10.244.0.0/16");
    public static readonly string[] Modes = ["iptables", "ipvs", "nftables", "ebpf"];

    public ProxyCluster(ProxyBed bed, int nodes = 2, int podsPerNode = 3)
    {
        Bed = bed;
        var lan = new TestLan();
        Nodes = new ProxyNode[nodes];
        for (int n = 1; n <= nodes; n++) Nodes[n - 1] = BuildNode(bed, lan, n, podsPerNode);
        for (int n = 1; n <= nodes; n++)
            for (int m = 1; m <= nodes; m++)
                if (m != n) Nodes[n - 1].Host.AddRoute($"10.244.{m}.0/24", Nodes[n - 1].Eth0, via: $"192.168.0.{m}");
        foreach (ProxyNode node in Nodes) node.Host.AddRoute("0.0.0.0/0", node.Eth0, via: "192.168.0.100"); // the external host is the upstream router
        NodeContext ext = bed.Node("external");
        External = new NetworkNamespace(ext, "client");
        ExternalEth = new PhysicalDevice(External, "eth0");
        lan.Plug(ExternalEth);
        External.AddAddress(ExternalEth, "192.168.0.100/24");
        ExternalSink = new PodSink(bed, External);
    }

    public ProxyBed Bed { get; }
    public ProxyNode[] Nodes { get; }
    public NetworkNamespace External { get; }
    public PhysicalDevice ExternalEth { get; }
    public PodSink ExternalSink { get; }
    public static Ipv4Address ExternalIp => Ipv4Address.Parse("192.168.0.100");

    public ProxyNode this[int node] => Nodes[node];

    private static ProxyNode BuildNode(ProxyBed bed, TestLan lan, int n, int pods)
    {
        NodeContext node = bed.Node($"node{n}");
        var host = new NetworkNamespace(node, "host") { IpForwarding = true };
        var eth0 = new PhysicalDevice(host, "eth0");
        lan.Plug(eth0);
        host.AddAddress(eth0, $"192.168.0.{n}/24");
        var cni0 = new LinuxBridge(host, "cni0") { NfCallIptables = true };
        host.AddAddress(cni0, $"10.244.{n}.1/24");
        var podNs = new NetworkNamespace[pods];
        var links = new VethPair[pods];
        var sinks = new PodSink[pods];
        for (int i = 0; i < pods; i++)
        {
            podNs[i] = new NetworkNamespace(node, $"pod{n}-{i}");
            links[i] = new VethPair(podNs[i], "eth0", host, $"veth{n}{i}");
            podNs[i].AddAddress(links[i].A, $"10.244.{n}.{i + 2}/24");
            podNs[i].AddRoute("0.0.0.0/0", links[i].A, via: $"10.244.{n}.1");
            cni0.AddPort(links[i].B, hairpin: true);
            sinks[i] = new PodSink(bed, podNs[i]);
        }
        return new ProxyNode
        {
            Name = $"node{n}", Node = node, Host = host, Eth0 = eth0, Cni0 = cni0, Pods = podNs, Links = links, Sinks = sinks,
            NodeIp = Ipv4Address.Parse($"192.168.0.{n}"),
        };
    }

    public static KubeProxyNodeConfig Config(ProxyNode n) => new(n.Name, n.NodeIp, ClusterCidr);

    public static IServiceProxy Create(string mode, string scheduler = "rr") => mode switch
    {
        "iptables" => new KubeProxyIptables(),
        "ipvs" => new KubeProxyIpvs(scheduler),
        "nftables" => new KubeProxyNftables(),
        "ebpf" => new EbpfServiceProxy(),
        _ => throw new ArgumentException(mode, nameof(mode)),
    };

    /// <summary>Runs <paramref name="mode"/> on every node and syncs <paramref name="services"/> (eBPF: attached to every pod veth and eth0).</summary>
    public void Install(string mode, IReadOnlyList<ServicePort> services, Func<string, IServiceProxy>? factory = null, Func<string, string>? zoneOf = null)
    {
        foreach (ProxyNode n in Nodes)
        {
            IServiceProxy proxy = (factory ?? (m => Create(m)))(mode);
            proxy.Sync(n.Host, Config(n) with { Zone = zoneOf?.Invoke(n.Name) ?? "" }, services);
            if (proxy is EbpfServiceProxy ebpf)
            {
                foreach (VethPair l in n.Links) ebpf.AttachToPod(l.B);
                ebpf.AttachToNode(n.Eth0);
            }
            n.Proxy = proxy;
        }
    }

    /// <summary>A TCP/UDP Service port "ns/name:p" on <paramref name="clusterIp"/>:80 with the given endpoints (port 8080).</summary>
    public static ServicePort Service(string name, string clusterIp, IEnumerable<(Ipv4Address Ip, string Node)> endpoints, byte protocol = 6,
        ushort nodePort = 0, bool affinity = false, bool etpLocal = false, bool itpLocal = false, ushort port = 80) =>
        new("default", name, "http", protocol, Ipv4Address.Parse(clusterIp), port, nodePort,
            endpoints.Select(e => new ServiceEndpoint(e.Ip, 8080, e.Node)).ToArray(),
            affinity, ServicePort.DefaultAffinityTimeoutSeconds, etpLocal, itpLocal);

    /// <summary>Endpoints: pods <paramref name="pods"/> of node <paramref name="node"/>.</summary>
    public IEnumerable<(Ipv4Address, string)> Pods(int node, params int[] pods) => pods.Select(i => (Nodes[node].PodIp(i), Nodes[node].Name));
}
