using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Tunnels;
using NetSim.Engine.Addressing;
using NetSim.Topologies.Cni;
using NetSim.Topologies.Cni.Plugins;
using NetSim.Topologies.Ipam;
using NetSim.Topologies.Scenarios;

namespace NetSim.Topologies.Build.Cni;

/// <summary>
/// Weave Net with its fast datapath (weaveworks/weave, docs "How Fast Datapath Works"): every node runs the weave
/// router, which creates the Linux bridge "weave" (holding the node's address on the pod network), an Open vSwitch
/// kernel datapath "datapath" joined to the bridge by the veth pair vethwe-bridge / vethwe-datapath, and a VXLAN
/// vport "vxlan-6784" (UDP 6784). Pods are on one L2 network over the whole IPAM range (10.32.0.0/12 by default):
/// a frame for a pod on another node crosses the bridge to the datapath, whose flow (in_port, eth_dst) outputs it to
/// the VXLAN vport with that node as tunnel destination; on the far node the vport's frames go through the datapath's
/// flows to vethwe-datapath and the bridge. The router installs the flows and answers ARP from what it learns of
/// the other peers (here: before traffic starts). Weave's own IPAM splits the range among the nodes
/// (<see cref="WeaveIpamRing"/>). Not modelled: sleeve mode (the userspace router's UDP encapsulation, Weave's fallback
/// when fast datapath is unavailable), encryption (IPsec ESP in fast datapath, NaCl in sleeve), weave-npc.
/// </summary>
public sealed class WeaveNetwork : PodNetwork
{
    /// <summary>The weave router's fast-datapath UDP port.</summary>
    public const ushort FastDatapathPort = 6784;

    private readonly WeaveIpamRing _ring;
    private readonly Dictionary<BuiltNode, (LinuxBridge Bridge, VethDevice DatapathPort, VxlanDevice Vxlan, OvsDatapath Datapath)> _weave = new();

    public WeaveNetwork(ClusterContext cluster) : base(cluster) =>
        _ring = new WeaveIpamRing(cluster.Scenario.Cluster.PodCidr, cluster.Scenario.Cluster.Nodes.Count);

    /// <summary>WEAVE_MTU, 1376 unless set (cni.mtu), whatever the NIC's.</summary>
    public override int PodMtu(BuiltNode node) => Cluster.Scenario.Cni.Mtu > 0 ? Cluster.Scenario.Cni.Mtu : DatapathNames.WeaveDefaultMtu;

    protected override void PrepareHost(BuiltNode node, CniNode cniNode)
    {
        var share = _ring.ShareOf(node.Index);
        int mtu = PodMtu(node);
        // weave expose: the bridge takes the first address of the node's share.
        var bridge = new LinuxBridge(node.Host, "weave", mtu) { NfCallIptables = cniNode.BridgeNfCallIptables };
        node.Host.AddAddress(bridge, $"{share.First}/{_ring.Range.Length}");
        node.PodGateway = share.First;
        var link = new VethPair(node.Host, "vethwe-bridge", node.Host, "vethwe-datapath", mtu);
        bridge.AddPort(link.A);
        var dp = new OvsDatapath(node.Host, "datapath");
        var vxlan = new VxlanDevice(node.Host, $"vxlan-{FastDatapathPort}", 0, FastDatapathPort, node.Eth0, node.Address);
        dp.AddPort(link.B);
        dp.AddPort(vxlan);
        _weave[node] = (bridge, link.B, vxlan, dp);
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

    /// <summary>The routers have met: each node's datapath gets a flow per MAC on the overlay and knows every address.</summary>
    public override void ConnectNodes(IReadOnlyList<BuiltNode> nodes)
    {
        foreach (var n in nodes)
        {
            var (_, datapathPort, vxlan, dp) = _weave[n];
            foreach (var m in nodes)
                foreach (var (ip, mac) in Endpoints(m))
                {
                    if (m == n)
                    {
                        dp.AddFlow(vxlan, mac, datapathPort);
                        continue;
                    }
                    // Only remote addresses: a local pod answers its own ARP on the bridge, which must learn it there.
                    dp.AddNeighbour(ip, mac);
                    dp.AddFlow(datapathPort, mac, vxlan);
                    vxlan.AddFdb(mac, m.Address);
                }
        }
    }

    /// <summary>The addresses and MACs a node puts on the overlay: its bridge's and its pods'.</summary>
    private IEnumerable<(Ipv4Address Ip, MacAddress Mac)> Endpoints(BuiltNode node)
    {
        yield return (node.PodGateway, _weave[node].Bridge.Mac);
        foreach (var pod in node.Pods)
            if (pod.Eth0 is { } eth0) yield return (pod.Address, eth0.Mac);
    }
}
