using System.Text.RegularExpressions;
using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Simulation;

namespace NetSim.Topologies.Tests.Probes;

/// <summary>
/// Every datapath × every placement: a probe (an ICMP echo to pods and nodes, a TCP SYN to Services, which ICMP
/// cannot reach) gets through and back, along the path a Linux engineer would draw, with the frame size the
/// datapath implies on the wire (inner IP + 14 Ethernet, + 50 VXLAN/Geneve, + 20 IPIP) and its pod MTU.
/// Pods a and b are on node1, c on node2; external:client and both nodes share one switch. Hops are "node:element";
/// per-pod device names are hashed, so "veth*", "cali*" and "lxc*" stand for the host end of a pod's veth.
/// </summary>
public partial class DatapathProbeTests
{
    private const string Cluster = """
        cluster: { nodes: { count: 2 } }
        workloads:
          - { name: a, placement: pinned, nodes: [node1] }
          - { name: b, placement: pinned, nodes: [node1] }
          - { name: c, placement: pinned, nodes: [node2], ports: [{ name: http, port: 8080 }] }
        services:
          - { name: web, type: NodePort, selector: { app: c }, ports: [{ port: 80, target_port: http, node_port: 30080 }] }
        traffic:
          - { name: ext, kind: ping, from: external:client, to: node:node1, count: 1 }
        """;

    /// <summary>Placement → probe: from, to, protocol.</summary>
    private static readonly Dictionary<string, (string From, string To, string Protocol)> Placements = new()
    {
        ["pod→pod same node"] = ("pod:a", "pod:b", "icmp"),
        ["pod→pod other node"] = ("pod:a", "pod:c", "icmp"),
        ["node→pod same node"] = ("node:node1", "pod:a", "icmp"),
        ["node→pod other node"] = ("node:node1", "pod:c", "icmp"),
        ["pod→node"] = ("pod:a", "node:node2", "icmp"),
        ["external→NodePort"] = ("external:client", "nodeport:web@node1", "tcp"),
        ["pod→ClusterIP"] = ("pod:a", "service:web", "tcp"),
    };

    // ---- path segments, named for what Linux does ----
    private const string N1 = "node1:", N2 = "node2:";

    /// <summary>A pod's socket out of its netns: sendmsg, ip_local_out, ip_output, its eth0 (veth_xmit).</summary>
    private static string[] PodSend(string pod, string l4) => [N1 + l4, $"{N1}pod/{pod}-0/ip_local_out", $"{N1}pod/{pod}-0/ip_output", N1 + "eth0"];

    private static string[] HostSend(string l4) => [N1 + l4, N1 + "host/ip_local_out", N1 + "host/ip_output"];

    /// <summary>The external client's SYN to node1's eth0 across the switch.</summary>
    private static readonly string[] FromClient =
    [
        "client:tcp", "client:host/ip_local_out", "client:host/ip_output", "client:eth0", "client:eth0 (NIC)",
        "client-switch:client/eth0 (NIC)", "node1-switch:switch/port0", N1 + "eth0 (NIC)", N1 + "eth0/rx",
    ];

    /// <summary>dev_queue_xmit on node1's eth0, its NIC, the cable, the switch, node2's NIC, netif_receive_skb.</summary>
    private static readonly string[] Wire =
        [N1 + "eth0", N1 + "eth0 (NIC)", "node1-switch:node1/eth0 (NIC)", "node2-switch:switch/port1", N2 + "eth0 (NIC)", N2 + "eth0/rx"];

    /// <summary>The host stack routing a packet on: ip_rcv → ip_forward → ip_output.</summary>
    private static string[] Forward(string n) => [n + "host/ip_rcv", n + "host/ip_forward", n + "host/ip_output"];

    private static string[] HostDelivers(string n) => [n + "host/ip_rcv", n + "host/ip_local_deliver", n + "host/icmp_rcv"];

    /// <summary>Into a pod's netns: its eth0 receives, ip_rcv, ip_local_deliver, icmp_rcv (echo answered) or the TCP listener.</summary>
    private static string[] PodReceives(string n, string pod, string l4) =>
        [n + "eth0/rx", $"{n}pod/{pod}-0/ip_rcv", $"{n}pod/{pod}-0/ip_local_deliver", l4 == "tcp" ? n + "tcp" : $"{n}pod/{pod}-0/icmp_rcv"];

    /// <summary>cni0 from a pod: br_handle_frame; frames to the gateway MAC go up through br_netfilter and are routed.</summary>
    private static string[] BridgeUp(string n) => [n + "veth*/rx", n + "cni0/br_handle_frame", n + "cni0/rx(br_nf)", n + "host/ip_rcv(br_nf)", n + "host/ip_forward", n + "host/ip_output"];

    /// <summary>Tunnel device xmit (encapsulation), then the outer packet leaves through the host stack.</summary>
    private static string[] Encap(string dev) => [N1 + dev, N1 + "host/ip_local_out", N1 + "host/ip_output"];

    /// <summary>Outer packet delivered locally to the tunnel's UDP socket (udp_tunnel → vxlan_rcv/geneve_rx), inner packet routed.</summary>
    private static string[] UdpDecap(int port, string dev) =>
        [N2 + "host/ip_rcv", N2 + "host/ip_local_deliver", $"{N2}host/udp_tunnel:{port}", $"{N2}{dev}/rx", .. Forward(N2)];

    /// <summary>IP-in-IP: protocol 4 delivered locally to ipip_rcv, inner packet re-enters through tunl0.</summary>
    private static readonly string[] IpipDecap = [N2 + "host/ip_rcv", N2 + "host/ip_local_deliver", N2 + "host/tunl0/ipip_rcv", N2 + "tunl0/rx", .. Forward(N2)];

    private static string[] Join(params string[][] parts) => parts.SelectMany(p => p).ToArray();

    public static TheoryData<string, string, string[], int> Paths()
    {
        var d = new TheoryData<string, string, string[], int>();
        string[] toB = PodReceives(N1, "b", "ping"), toA = PodReceives(N1, "a", "ping"), toC = PodReceives(N2, "c", "ping"), synToC = PodReceives(N2, "c", "tcp");
        string[] nodeSend = HostSend("ping"), aSend = PodSend("a", "ping"), aSyn = PodSend("a", "tcp");
        string[] nodePortNat = [N1 + "host/nat PreRouting", .. Forward(N1)[..2], N1 + "host/nat PostRouting", N1 + "host/ip_output"];

        // host: every "pod" is a process in its node's namespace; same node is loopback, kube-proxy DNATs in OUTPUT.
        string[] lo = [N1 + "lo", N1 + "lo/rx", .. HostDelivers(N1)];
        d.Add("host", "pod→pod same node", Join(nodeSend, lo), 0);
        d.Add("host", "pod→pod other node", Join(nodeSend, Wire, HostDelivers(N2)), 98);
        d.Add("host", "node→pod same node", Join(nodeSend, lo), 0);
        d.Add("host", "node→pod other node", Join(nodeSend, Wire, HostDelivers(N2)), 98);
        d.Add("host", "pod→node", Join(nodeSend, Wire, HostDelivers(N2)), 98);
        string[] hostSynToC = [N2 + "host/ip_rcv", N2 + "host/ip_local_deliver", N2 + "tcp"];
        d.Add("host", "external→NodePort", Join(FromClient, nodePortNat, Wire, hostSynToC), 74);
        d.Add("host", "pod→ClusterIP", Join([N1 + "tcp", N1 + "host/nat LocalOut", N1 + "host/ip_local_out", N1 + "host/nat PostRouting", N1 + "host/ip_output"], Wire, hostSynToC), 74);

        // bridge and flannel host-gw: cni0 bridges pods of one node, the host routes between nodes (static or host-gw routes).
        foreach (var dp in new[] { "bridge", "flannel-host-gw" })
        {
            string[] down2 = [N2 + "cni0", N2 + "veth*"];
            d.Add(dp, "pod→pod same node", Join(aSend, [N1 + "veth*/rx", N1 + "cni0/br_handle_frame", N1 + "veth*"], toB), 0);
            d.Add(dp, "pod→pod other node", Join(aSend, BridgeUp(N1), Wire, Forward(N2), down2, toC), 98);
            d.Add(dp, "node→pod same node", Join(nodeSend, [N1 + "cni0", N1 + "veth*"], toA), 0);
            d.Add(dp, "node→pod other node", Join(nodeSend, Wire, Forward(N2), down2, toC), 98);
            d.Add(dp, "pod→node", Join(aSend, BridgeUp(N1), Wire, HostDelivers(N2)), 98);
            d.Add(dp, "external→NodePort", Join(FromClient, nodePortNat, Wire, Forward(N2), down2, synToC), 74);
            d.Add(dp, "pod→ClusterIP", Join(aSyn, [N1 + "veth*/rx", N1 + "host/nat PreRouting"], BridgeUp(N1)[1..], Wire, Forward(N2), down2, synToC), 74);
        }

        // flannel vxlan: as the bridge, but other nodes' pod subnets route via flannel.1 (VXLAN, UDP 8472): +50 bytes.
        {
            string[] down2 = [N2 + "cni0", N2 + "veth*"];
            string[] overlay = Join(Encap("flannel.1"), Wire, UdpDecap(8472, "flannel.1"), down2);
            d.Add("flannel-vxlan", "pod→pod same node", Join(aSend, [N1 + "veth*/rx", N1 + "cni0/br_handle_frame", N1 + "veth*"], toB), 0);
            d.Add("flannel-vxlan", "pod→pod other node", Join(aSend, BridgeUp(N1), overlay, toC), 148);
            d.Add("flannel-vxlan", "node→pod same node", Join(nodeSend, [N1 + "cni0", N1 + "veth*"], toA), 0);
            d.Add("flannel-vxlan", "node→pod other node", Join(nodeSend, overlay, toC), 148);
            d.Add("flannel-vxlan", "pod→node", Join(aSend, BridgeUp(N1), Wire, HostDelivers(N2)), 98);
            d.Add("flannel-vxlan", "external→NodePort", Join(FromClient, nodePortNat, overlay, synToC), 124);
            d.Add("flannel-vxlan", "pod→ClusterIP", Join(aSyn, [N1 + "veth*/rx", N1 + "host/nat PreRouting"], BridgeUp(N1)[1..], overlay, synToC), 124);
        }

        // flannel wireguard: as flannel vxlan, but the flannel network routes through flannel-wg (wg_xmit, the encrypt and
        // transmit workers; on node2 wg_receive, the decrypt worker, the peer's NAPI poll): +60 bytes. flanneld's
        // masquerade sends a pod's packet to a node from node1's address, in the clear.
        {
            string[] down2 = [N2 + "cni0", N2 + "veth*"];
            string[] wg = [N1 + "flannel-wg", N1 + "flannel-wg/wg_packet_encrypt_worker", N1 + "flannel-wg/wg_packet_tx_worker", N1 + "host/ip_local_out", N1 + "host/ip_output"];
            string[] unwg = [N2 + "host/ip_rcv", N2 + "host/ip_local_deliver", N2 + "host/flannel-wg/wg_receive", N2 + "flannel-wg/wg_packet_decrypt_worker",
                N2 + "flannel-wg/wg_packet_rx_poll", N2 + "flannel-wg/rx", .. Forward(N2)];
            string[] overlay = Join(wg, Wire, unwg, down2);
            const string dp = "flannel-wireguard";
            d.Add(dp, "pod→pod same node", Join(aSend, [N1 + "veth*/rx", N1 + "cni0/br_handle_frame", N1 + "veth*"], toB), 0);
            d.Add(dp, "pod→pod other node", Join(aSend, BridgeUp(N1), overlay, toC), 158);
            d.Add(dp, "node→pod same node", Join(nodeSend, [N1 + "cni0", N1 + "veth*"], toA), 0);
            d.Add(dp, "node→pod other node", Join(nodeSend, overlay, toC), 158);
            string[] masq = [.. BridgeUp(N1)[..^1], N1 + "host/nat PostRouting", N1 + "host/ip_output"];
            d.Add(dp, "pod→node", Join(aSend, masq, Wire, HostDelivers(N2)), 98);
            d.Add(dp, "external→NodePort", Join(FromClient, nodePortNat, overlay, synToC), 134);
            d.Add(dp, "pod→ClusterIP", Join(aSyn, [N1 + "veth*/rx", N1 + "host/nat PreRouting"], BridgeUp(N1)[1..], overlay, synToC), 134);
        }

        // Weave Net fast datapath: one L2 network; the weave bridge hands frames for other nodes' pods to vethwe-bridge,
        // the OVS datapath's flow outputs them to the VXLAN vport (UDP 6784); on node2 the vport's frames go through the
        // datapath to vethwe-datapath and the bridge. No routing between pods (a DNAT'd frame is bridged too).
        // Weave sleeve: the frame reaches vethwe-pcap, whose pcap socket hands it to the weaver process, which sends it in
        // a UDP datagram to node2's port 6783 (sleeve header 6 + 14 bytes); node2's weaver reads it and injects it on its
        // vethwe-pcap, back into the bridge.
        foreach (var (dp, frame, syn) in new[] { ("weave", 148, 124), ("weave-sleeve", 160, 136) })
        {
            string[] ovs = dp == "weave"
                ? [N1 + "vethwe-bridge", N1 + "host/datapath/ovs_dp_process_packet", N1 + "vxlan-6784", N1 + "host/ip_local_out", N1 + "host/ip_output"]
                : [N1 + "vethwe-bridge", N1 + "host/vethwe-pcap/tpacket_rcv", N1 + "weaver/sleeve-tx", N1 + "host/ip_local_out", N1 + "host/ip_output"];
            string[] unovs = dp == "weave"
                ? [N2 + "host/ip_rcv", N2 + "host/ip_local_deliver", N2 + "host/udp_tunnel:6784", N2 + "host/datapath/ovs_dp_process_packet",
                    N2 + "vethwe-datapath", N2 + "vethwe-bridge/rx", N2 + "weave/br_handle_frame", N2 + "veth*"]
                : [N2 + "host/ip_rcv", N2 + "host/ip_local_deliver", N2 + "host/udp:6783", N2 + "weaver/sleeve-rx",
                    N2 + "vethwe-pcap", N2 + "vethwe-bridge/rx", N2 + "weave/br_handle_frame", N2 + "veth*"];
            string[] overlay = Join(ovs, Wire, unovs);
            string[] fromA = [N1 + "veth*/rx", N1 + "weave/br_handle_frame"];
            d.Add(dp, "pod→pod same node", Join(aSend, fromA, [N1 + "veth*"], toB), 0);
            d.Add(dp, "pod→pod other node", Join(aSend, fromA, overlay, toC), frame);
            d.Add(dp, "node→pod same node", Join(nodeSend, [N1 + "weave", N1 + "veth*"], toA), 0);
            d.Add(dp, "node→pod other node", Join(nodeSend, [N1 + "weave"], overlay, toC), frame);
            d.Add(dp, "pod→node", Join(aSend, fromA, [N1 + "weave/rx(br_nf)", N1 + "host/ip_rcv(br_nf)", N1 + "host/ip_forward", N1 + "host/ip_output"], Wire, HostDelivers(N2)), 98);
            d.Add(dp, "external→NodePort", Join(FromClient, nodePortNat, [N1 + "weave"], overlay, synToC), syn);
            d.Add(dp, "pod→ClusterIP", Join(aSyn, [N1 + "veth*/rx", N1 + "host/nat PreRouting", N1 + "weave/br_handle_frame"], overlay, synToC), syn);
        }

        // Calico (and Cilium's legacy host routing): no bridge; each pod's host veth is routed (/32 routes, proxy ARP),
        // so even same-node traffic goes through the host's ip_forward. Encapsulation only toward other nodes' pods.
        foreach (var (dp, veth, encap, decap, frame) in new (string, string, string[], string[], int)[]
        {
            ("calico-bgp", "cali*", [], Forward(N2), 98),
            ("calico-ipip", "cali*", Encap("tunl0"), IpipDecap, 118),
            ("calico-vxlan", "cali*", Encap("vxlan.calico"), UdpDecap(4789, "vxlan.calico"), 148),
            ("cilium-legacy", "lxc*", [], Forward(N2), 98),
            ("cilium-vxlan", "lxc*", Encap("cilium_vxlan"), UdpDecap(8472, "cilium_vxlan"), 148),
            ("cilium-geneve", "lxc*", Encap("cilium_geneve"), UdpDecap(6081, "cilium_geneve"), 148),
            ("ptp", "veth*", [], Forward(N2), 98),
            ("aws-vpc-cni", "eni*", [], Forward(N2), 98), // every probe pod holds an address of eth0 (m5.large: 9 per ENI)
        })
        {
            string[] up1 = [N1 + veth + "/rx", .. Forward(N1)];
            string[] down(string n) => [n + veth];
            string[] cross = Join(encap, Wire, decap, down(N2));
            int syn = frame - 84 + 60;
            d.Add(dp, "pod→pod same node", Join(aSend, up1, down(N1), toB), 0);
            d.Add(dp, "pod→pod other node", Join(aSend, up1, cross, toC), frame);
            d.Add(dp, "node→pod same node", Join(nodeSend, down(N1), toA), 0);
            d.Add(dp, "node→pod other node", Join(nodeSend, cross, toC), frame);
            d.Add(dp, "pod→node", Join(aSend, up1, Wire, HostDelivers(N2)), 98);
            d.Add(dp, "external→NodePort", Join(FromClient, nodePortNat, cross, synToC), syn);
            d.Add(dp, "pod→ClusterIP", Join(aSyn, [N1 + veth + "/rx", N1 + "host/nat PreRouting"], Forward(N1), cross, synToC), syn);
        }

        // macvlan (bridge mode) and ipvlan (L2): pods on one parent meet inside the kernel (dev_forward_skb); across
        // nodes the pod's own device hands the frame to eth0, and node2's rx_handler hands it to the pod's device.
        foreach (string dp in new[] { "macvlan", "ipvlan" })
        {
            d.Add(dp, "pod→pod same node", Join(aSend, toB), 0);
            d.Add(dp, "pod→pod other node", Join(aSend, Wire[..^1], [N2 + "eth0"], toC), 98); // eth0's receive is charged with the handler's hand-off
        }

        // sriov: the pod's eth0 is a VF; its driver hands the frame to the NIC, whose embedded switch loops it to a sibling
        // VF of the node (pod b) or sends it out of the physical port; node2's embedded switch hands it to pod c's VF.
        // No host hop on either node, so nothing passes the node's eth0 netdev (frame size 0 there). a and b hold node1's
        // VFs 0 and 1, c node2's VF 0.
        {
            string[] vfOut(string n, int vf) => [$"{n}eth0v{vf} (VF, iavf)", $"{n[..^1]}/eth0v{vf} (VF, iavf)-eswitch:{n[..^1]}/eth0v{vf} (VF, iavf)"];
            string[] vfIn(string n, int vf, string pod) =>
                [$"{n}eth0v{vf} (VF, iavf)", $"{n}eth0v{vf}/rx", $"{n}pod/{pod}-0/ip_rcv", $"{n}pod/{pod}-0/ip_local_deliver", $"{n}pod/{pod}-0/icmp_rcv"];
            d.Add("sriov", "pod→pod same node", Join(aSend, vfOut(N1, 0), ["node1/eth0v1 (VF, iavf)-eswitch:node1/eth0 eswitch/port2"], vfIn(N1, 1, "b")), 0);
            d.Add("sriov", "pod→pod other node", Join(aSend, vfOut(N1, 0), ["node1-switch:node1/eth0 eswitch/port3", "node2-switch:switch/port1",
                "node2/eth0v0 (VF, iavf)-eswitch:node2/eth0 eswitch/port1"], vfIn(N2, 0, "c")), 0);
        }

        // host-device: the pod owns a whole NIC (eth1, eth2 ... of eth0's spec), cabled to the node network's switch; the
        // node's eth0 netdev sees nothing.
        {
            string[] nicIn(string n, string nic, string pod) =>
                [$"{n}{nic} (NIC)", $"{n}{nic}/rx", $"{n}pod/{pod}-0/ip_rcv", $"{n}pod/{pod}-0/ip_local_deliver", $"{n}pod/{pod}-0/icmp_rcv"];
            d.Add("host-device", "pod→pod same node", Join(aSend, [N1 + "eth1 (NIC)", "node1/eth1-switch:node1/eth1 (NIC)", "node1/eth2-switch:switch/port4"], nicIn(N1, "eth2", "b")), 0);
            d.Add("host-device", "pod→pod other node", Join(aSend, [N1 + "eth1 (NIC)", "node1/eth1-switch:node1/eth1 (NIC)", "node2/eth1-switch:switch/port5"], nicIn(N2, "eth1", "c")), 0);
        }

        // eBPF dataplanes (Calico eBPF, Cilium with eBPF host routing and kube-proxy replacement): tc programs on the
        // pod's host veth redirect straight into a local pod (bpf_redirect_peer: no host stack, no veth xmit hop) or out
        // of eth0 (bpf_redirect_neigh); on eth0's tc ingress into the pod. Services are translated by the programs (at
        // the pod's veth, or for a NodePort on eth0, which sends the packet straight back out: nodeport_lb4 → fib_redirect).
        foreach (var (dp, veth) in new[] { ("calico-ebpf", "cali*"), ("cilium-ebpf", "lxc*") })
        {
            string[] fromA = [N1 + veth + "/rx"];
            d.Add(dp, "pod→pod same node", Join(aSend, fromA, toB), 0);
            d.Add(dp, "pod→pod other node", Join(aSend, fromA, Wire, toC), 98);
            // node→pod same node: see Ebpf_node_to_local_pod_replies_reach_the_node.
            d.Add(dp, "node→pod other node", Join(nodeSend, Wire, toC), 98);
            d.Add(dp, "pod→node", Join(aSend, fromA, Wire, HostDelivers(N2)), 98);
            d.Add(dp, "external→NodePort", Join(FromClient, Wire, synToC), 74);
            d.Add(dp, "pod→ClusterIP", Join(aSyn, fromA, Wire, synToC), 74);
        }
        return d;
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void A_probe_takes_the_path_Linux_takes_and_gets_an_answer(string datapath, string placement, string[] expected, int frameBytes)
    {
        var (request, trace) = Probe(datapath, placement);
        Assert.True(trace.RoundTripPs > 0, $"{datapath} {placement}: no answer");
        Assert.Equal(expected, Hops(request));
        Assert.Equal(frameBytes, request.NicFrameBytes);
        Assert.Equal(Placements[placement].Protocol == "icmp" ? 84 : 60, request.WireBytes); // inner packet as delivered
    }

    public static TheoryData<string> AllDatapaths => new(DatapathNames.All);

    [Fact]
    public void The_table_covers_every_datapath_and_placement_but_the_two_known_bugs()
    {
        var rows = Paths().Select(r => ((string)r[0], (string)r[1])).ToHashSet();
        var missing = DatapathNames.All.SelectMany(d => Placements.Keys.Select(p => (d, p))).Where(x => !rows.Contains(x)).ToList();
        Assert.Equal([("calico-ebpf", "node→pod same node"), ("cilium-ebpf", "node→pod same node"), .. Unreachable], missing);
    }

    /// <summary>
    /// What macvlan, ipvlan, SR-IOV and host-device pods cannot reach, as on Linux: their own node, other nodes, Services
    /// (no route to the pod CIDR on the nodes, no host path through kube-proxy's rules).
    /// </summary>
    private static readonly (string, string)[] Unreachable =
        [.. new[] { "host-device", "ipvlan", "macvlan", "sriov" }.SelectMany(dp => new[] { "node→pod same node", "node→pod other node", "pod→node", "external→NodePort", "pod→ClusterIP" }.Select(p => (dp, p)))];

    [Fact]
    public void Macvlan_ipvlan_sriov_and_host_device_pods_are_unreachable_where_linux_leaves_them_unreachable()
    {
        foreach (var (dp, placement) in Unreachable)
            Assert.True(TraceOf(dp, placement).RoundTripPs == 0, $"{dp} {placement}: answered");
    }

    [Theory]
    [MemberData(nameof(AllDatapaths))]
    public void The_pod_MTU_leaves_room_for_the_encapsulation(string datapath)
    {
        var s = ScenarioLoader.Parse(Cluster, "probe.yaml", [$"cni.datapath={datapath}"]);
        var cluster = ClusterBuilder.Build(s, Build.ClusterSimulationTests.Profile());
        int expected = datapath switch
        {
            "flannel-vxlan" or "calico-vxlan" or "cilium-vxlan" or "cilium-geneve" => 1450, // 1500 − 14 − 20 − 8 − 8
            "calico-ipip" => 1480, // 1500 − 20
            "flannel-wireguard" => 1420, // flannel's wireguard backend: 1500 − 80
            "weave" => 1376, // WEAVE_MTU's default, whatever the NIC's
            "weave-sleeve" => 1438, // sleeve's path MTU: 1500 − 20 − 8 − 6 − 14 − 14
            _ => 1500,
        };
        Assert.Equal(expected, cluster.Network.PodMtu(cluster.Nodes[0]));
    }

    [Theory]
    [InlineData("calico-ebpf", "cali*")]
    [InlineData("cilium-ebpf", "lxc*")]
    public void Ebpf_node_to_local_pod_replies_reach_the_node(string datapath, string veth)
    {
        var (request, trace) = Probe(datapath, "node→pod same node");
        Assert.True(trace.RoundTripPs > 0);
        Assert.Equal(Join(HostSend("ping"), [N1 + veth], PodReceives(N1, "a", "ping")), Hops(request));
    }

    private static (TracedPacket Request, TraceResult Trace) Probe(string datapath, string placement)
    {
        var trace = TraceOf(datapath, placement);
        string first = Placements[placement].Protocol == "icmp" ? "IP proto 1 " : "TCP SYN ";
        var request = trace.Packets.First(p => p.What.StartsWith(first, StringComparison.Ordinal));
        return (request, trace);
    }

    private static TraceResult TraceOf(string datapath, string placement)
    {
        var s = ScenarioLoader.Parse(Cluster, "probe.yaml", [$"cni.datapath={datapath}"]);
        var (from, to, protocol) = Placements[placement];
        Assert.True(EndpointRef.TryParse(from, out var f, out _));
        Assert.True(EndpointRef.TryParse(to, out var t, out _));
        return new ClusterSimulation().Trace(s, Build.ClusterSimulationTests.Profile(), null, new TraceRequest(f, t, 0, protocol));
    }

    /// <summary>
    /// The elements the packet passed, with each NAT translation where it happened. A traced element's netfilter
    /// work is recorded as parts of it (hook, conntrack, each table's rule walk) between the pieces of its own work:
    /// the parts are left out but for NAT's, and the element keeps its last piece.
    /// </summary>
    private static string[] Hops(TracedPacket p)
    {
        var kept = new List<NetSim.Engine.Packets.HopRecord>();
        for (int i = 0; i < p.Hops.Count; i++)
        {
            var h = p.Hops[i];
            if (h.Element.StartsWith("backlog cpu", StringComparison.Ordinal)) continue; // netif_rx's queue, not an element
            if (NetfilterPart().IsMatch(h.Element))
            {
                if (h.Action.StartsWith("DNAT", StringComparison.Ordinal) || h.Action.StartsWith("SNAT", StringComparison.Ordinal)) kept.Add(h);
                continue;
            }
            int next = i + 1;
            while (next < p.Hops.Count && NetfilterPart().IsMatch(p.Hops[next].Element)) next++;
            if (next > i + 1 && next < p.Hops.Count && p.Hops[next].Element == h.Element && p.Hops[next].Node == h.Node) continue;
            kept.Add(h);
        }
        return kept.Select(h => HashedDevice().Replace($"{h.Node}:{h.Element}", "$1*")).ToArray();
    }

    [GeneratedRegex(@"/(netfilter|raw|mangle|filter|nat|security) [A-Za-z]+$|/conntrack |/defrag")]
    private static partial Regex NetfilterPart();

    [GeneratedRegex("(veth|lxc|cali|eni)[0-9a-f]{8,}")]
    private static partial Regex HashedDevice();
}
