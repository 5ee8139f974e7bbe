using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Tunnels;
using NetSim.Engine.Addressing;
using NetSim.Topologies.Cni;
using NetSim.Topologies.Cni.Plugins;
using NetSim.Topologies.Ipam;
using NetSim.Topologies.Scenarios;

namespace NetSim.Topologies.Build.Cni;

/// <summary>
/// Weave Net (weaveworks/weave net/bridge.go, router/): every node runs the weave router, which creates the Linux
/// bridge "weave" (holding the node's address on the pod network). Pods are on one L2 network over the whole IPAM range
/// (10.32.0.0/12 by default), split among the nodes by Weave's IPAM ring (<see cref="WeaveIpamRing"/>).
/// <list type="bullet">
/// <item>Fast datapath (weave, "bridged_fastdp"): an Open vSwitch kernel datapath "datapath" joined to the bridge by
/// vethwe-bridge / vethwe-datapath, and a VXLAN vport "vxlan-6784" (UDP 6784); a frame for a pod on another node
/// crosses the bridge to the datapath, whose flow (in_port, eth_dst) outputs it to the vport with that node as tunnel
/// destination. With a password, the VXLAN packets between nodes are ESP in transport mode (<see cref="EspTransport"/>).</item>
/// <item>Sleeve where fast datapath cannot be used (<see cref="WeaveOverlay.Fallback"/>): the same bridge and datapath,
/// but the router installs no flows for the connection: each frame misses, goes up to the router (ovs_dp_upcall),
/// which sends it over sleeve (<see cref="WeaveSleeveRouter"/>) and injects received frames with an OVS execute
/// to vethwe-datapath. With a password, NaCl.</item>
/// <item>Sleeve only (weave-sleeve: WEAVE_NO_FASTDP or a kernel without Open vSwitch, the "bridge" type): the bridge and
/// vethwe-bridge / vethwe-pcap, the router capturing with pcap on vethwe-pcap and injecting there.</item>
/// </list>
/// The router installs the flows and answers ARP from what it learns of the other peers (here: before traffic starts).
/// NetworkPolicy: weave-npc's chains and ipsets (<see cref="Policy.WeaveNpcIptables"/>). Not modelled: multicast and broadcast over the overlay, sleeve's PMTU discovery (its result is the pods' MTU).
/// </summary>
public sealed class WeaveNetwork : PodNetwork
{
    /// <summary>The weave router's fast-datapath UDP port (its port + 1).</summary>
    public const ushort FastDatapathPort = 6784;

    private readonly WeaveIpamRing _ring;
    private readonly Dictionary<BuiltNode, WeaveNode> _weave = new();
    private readonly bool _fastdp, _sleeveOnly, _encrypted;
    private readonly int _underlayMtu;
    private bool _npc;

    public WeaveNetwork(ClusterContext cluster) : base(cluster)
    {
        var s = cluster.Scenario;
        _ring = new WeaveIpamRing(s.Cluster.PodCidr, s.Cluster.Nodes.Count);
        _underlayMtu = s.Cluster.Nodes.Min(n => n.Nic.Mtu);
        _sleeveOnly = s.Cni.Datapath == DatapathNames.WeaveSleeve;
        _fastdp = WeaveOverlay.FastDatapath(s.Cni, _underlayMtu);
        _encrypted = WeaveOverlay.Encrypted(s.Cni);
    }

    /// <summary>Whether the nodes' connections use fast datapath (else sleeve).</summary>
    public bool UsesFastDatapath => _fastdp;

    /// <summary>The node's weave router in sleeve, or null on fast datapath.</summary>
    public WeaveSleeveRouter? Router(BuiltNode node) => _weave[node].Router;

    /// <summary>WEAVE_MTU, or the sleeve path's MTU where sleeve carries the traffic (<see cref="WeaveOverlay.PodMtu"/>).</summary>
    public override int PodMtu(BuiltNode node) => WeaveOverlay.PodMtu(Cluster.Scenario.Cni, _underlayMtu);

    protected override void PrepareHost(BuiltNode node, CniNode cniNode)
    {
        var share = _ring.ShareOf(node.Index);
        int mtu = PodMtu(node);
        // weave expose: the bridge takes the first address of the node's share.
        var bridge = new LinuxBridge(node.Host, "weave", mtu) { NfCallIptables = cniNode.BridgeNfCallIptables };
        node.Host.AddAddress(bridge, $"{share.First}/{_ring.Range.Length}");
        node.PodGateway = share.First;
        if (_sleeveOnly)
        {
            var pcap = new VethPair(node.Host, "vethwe-bridge", node.Host, "vethwe-pcap", mtu);
            bridge.AddPort(pcap.A);
            var router = new WeaveSleeveRouter(node.Host, node.Address, _underlayMtu, _encrypted, inject: pcap.B);
            _ = new WeavePcapCapture(pcap.B, router);
            _weave[node] = new WeaveNode(bridge, pcap.B, null, null, router);
            return;
        }
        var link = new VethPair(node.Host, "vethwe-bridge", node.Host, "vethwe-datapath", mtu);
        bridge.AddPort(link.A);
        var dp = new OvsDatapath(node.Host, "datapath");
        // The router's flows set the tunnel key with csum off (router/fastdp.go, Forward: SetCsum(false)): zero outer checksum.
        var vxlan = new VxlanDevice(node.Host, $"vxlan-{FastDatapathPort}", 0, FastDatapathPort, node.Eth0, node.Address) { UdpChecksum = false };
        dp.AddPort(link.B);
        dp.AddPort(vxlan);
        WeaveSleeveRouter? sleeve = null;
        if (!_fastdp) dp.Daemon = sleeve = new WeaveSleeveRouter(node.Host, node.Address, _underlayMtu, _encrypted, inject: link.B, ovsExecute: true);
        else if (_encrypted) vxlan.Output = new EspTransport(node.Host).Output;
        _weave[node] = new WeaveNode(bridge, link.B, vxlan, dp, sleeve);
    }

    protected override void InstallPlugins(BuiltNode node, CniNode cni, CniPluginRegistry plugins)
    {
        var share = _ring.ShareOf(node.Index);
        plugins.Add(new BridgePlugin(cni)).Add(new WeaveNetPlugin(_ring.Range, (new Ipv4Address(share.First.Value + 1), share.Last), share.First, PodMtu(node)));
    }

    /// <summary>The 10-weave.conflist weave-kube installs.</summary>
    protected override string DefaultConflist(BuiltNode node) => """
        {"cniVersion":"0.3.0","name":"weave","plugins":[
         {"name":"weave","type":"weave-net","hairpinMode":true},
         {"type":"portmap","capabilities":{"portMappings":true},"snat":true}]}
        """;

    /// <summary>
    /// The routers have met: on fast datapath each node's datapath gets a flow per MAC on the overlay and knows every
    /// address; on sleeve each router learns which peer every overlay MAC is behind (and answers ARP for them).
    /// </summary>
    public override void ConnectNodes(IReadOnlyList<BuiltNode> nodes)
    {
        // weave-npc, when the cluster has NetworkPolicies (weave-kube runs it beside the router; it needs br_netfilter).
        if (PolicyWiring.Of(Cluster) is { } policies)
        {
            _npc = true;
            foreach (var n in nodes)
            {
                _weave[n].Bridge.NfCallIptables = true;
                new Policy.WeaveNpcIptables(policies, n.Host.Netfilter.Filter).Install();
            }
        }
        foreach (var n in nodes)
        {
            var w = _weave[n];
            foreach (var m in nodes)
                foreach (var (ip, mac) in Endpoints(m))
                {
                    if (w.Router is { } router)
                    {
                        if (m == n) continue;
                        router.AddNeighbour(ip, mac);
                        router.AddPeerMac(mac, _weave[m].Router!);
                        continue;
                    }
                    if (m == n)
                    {
                        w.Datapath!.AddFlow(w.Vxlan!, mac, w.Port);
                        continue;
                    }
                    // Only remote addresses: a local pod answers its own ARP on the bridge, which must learn it there.
                    w.Datapath!.AddNeighbour(ip, mac);
                    w.Datapath.AddFlow(w.Port, mac, w.Vxlan!);
                    w.Vxlan!.AddFdb(mac, m.Address);
                }
        }
    }

    /// <summary>weave-npc keeps its FORWARD and INPUT rules ahead of kube-proxy's (ensureRulesAtTop: "this must go before '-j KUBE-FORWARD'").</summary>
    public override void AfterKubeProxySync(BuiltNode node)
    {
        if (_npc) IptablesFeeders.KeepFirst(node, Policy.WeaveNpcIptables.FeederComment);
    }

    /// <summary>The addresses and MACs a node puts on the overlay: its bridge's and its pods'.</summary>
    private IEnumerable<(Ipv4Address Ip, MacAddress Mac)> Endpoints(BuiltNode node)
    {
        yield return (node.PodGateway, _weave[node].Bridge.Mac);
        foreach (var pod in node.Pods)
            if (pod.Eth0 is { } eth0) yield return (pod.Address, eth0.Mac);
    }

    /// <summary>One node's weave devices: the bridge, the router's port on it (vethwe-datapath or vethwe-pcap), fast datapath's vport and datapath, and the sleeve router.</summary>
    private sealed record WeaveNode(LinuxBridge Bridge, NetDevice Port, VxlanDevice? Vxlan, OvsDatapath? Datapath, WeaveSleeveRouter? Router);
}
