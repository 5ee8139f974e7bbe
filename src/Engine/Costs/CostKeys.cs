namespace NetSim.Engine.Costs;

/// <summary>
/// Every cost a profile may set, named after the kernel path it models. A profile with a key not listed here is
/// rejected on load; a key the profile leaves out costs nothing and is reported as missing by validation.
/// Layers add their keys in their own section below.
/// </summary>
public static class CostKeys
{
    // --- sockets and transport (tcp_sendmsg, tcp_v4_rcv, udp_sendmsg, ...) ---
    public static readonly CostKey SocketSyscall = new("socket.syscall", "one send/recv system call: entry, exit, socket lock");
    public static readonly CostKey SocketCopy = new("socket.copy", "copying data between user and kernel, per byte");
    public static readonly CostKey TcpTransmit = new("tcp.transmit", "tcp_transmit_skb: building and sending one TCP segment or GSO super-packet");
    public static readonly CostKey TcpReceive = new("tcp.receive", "tcp_v4_rcv: receiving one segment (or GRO-merged packet) into the socket");
    public static readonly CostKey TcpConnect = new("tcp.connect", "connection setup: socket allocation, SYN/SYN-ACK request handling, accept");
    public static readonly CostKey UdpTransmit = new("udp.transmit", "udp_sendmsg: one datagram");
    public static readonly CostKey UdpReceive = new("udp.receive", "udp_rcv: one datagram into the socket");

    // --- IP layer ---
    public static readonly CostKey IpOutput = new("ip.output", "ip_queue_xmit/ip_output/ip_finish_output for one packet");
    public static readonly CostKey IpReceive = new("ip.receive", "ip_rcv/ip_rcv_finish for one packet");
    public static readonly CostKey IpForward = new("ip.forward", "ip_forward: TTL, checks, for one forwarded packet");
    public static readonly CostKey RouteLookup = new("route.lookup", "fib_lookup: one routing table lookup");
    public static readonly CostKey FibRule = new("fib.rule", "fib_rules_lookup: testing one policy-routing rule (ip rule) on the way to a table");
    public static readonly CostKey NeighOutput = new("neigh.output", "neigh_output: neighbour lookup and L2 header fill");
    public static readonly CostKey IcmpSend = new("icmp.send", "icmp_send: building an ICMP error");

    // --- netfilter and conntrack ---
    public static readonly CostKey NetfilterHook = new("netfilter.hook", "nf_hook_slow: entering one hook with rules attached");
    public static readonly CostKey NetfilterRule = new("netfilter.rule", "ipt_do_table: evaluating one rule");
    public static readonly CostKey NetfilterRuleL2Miss = new("netfilter.rule_l2_miss", "ipt_do_table: extra for a rule whose entry is not in the core's L2 (a walk longer than L2 holds)");
    public static readonly CostKey ConntrackLookup = new("conntrack.lookup", "nf_conntrack_in: hash lookup of an existing connection");
    public static readonly CostKey ConntrackInsert = new("conntrack.insert", "nf_conntrack: creating and confirming a new entry");
    public static readonly CostKey NatRewrite = new("nat.rewrite", "nf_nat: rewriting addresses/ports and checksums");
    public static readonly CostKey IpvsLookup = new("ipvs.lookup", "ip_vs_in: virtual-service hash lookup and scheduling");
    public static readonly CostKey NftablesRule = new("nftables.rule", "nft_do_chain: evaluating one rule's expressions (an iptables-nft rule, or a native nftables one)");
    public static readonly CostKey NftablesLookup = new("nftables.lookup", "nft_do_chain: a verdict-map lookup");

    // --- devices ---
    public static readonly CostKey MacvlanXmit = new("macvlan.xmit", "macvlan_queue_xmit: the MAC hash lookup for a sibling, then dev_forward_skb to it or dev_queue_xmit on the lower device");
    public static readonly CostKey MacvlanRx = new("macvlan.rx", "macvlan_handle_frame / ipvlan_handle_frame: the lower device's rx_handler finding the slave a frame is for");
    public static readonly CostKey VethXmit = new("veth.xmit", "veth_xmit: handing a packet to the peer's backlog");
    public static readonly CostKey NetifReceive = new("netif.receive", "__netif_receive_skb_core: one packet entering the stack from a device");
    public static readonly CostKey RpsSteer = new("rps.steer", "get_rps_cpu + enqueue_to_backlog on another core and its IPI: one packet steered by RPS/RFS");
    public static readonly CostKey BridgeForward = new("bridge.forward", "br_handle_frame + br_forward: one frame across the bridge");
    public static readonly CostKey BridgeFdbLookup = new("bridge.fdb_lookup", "br_fdb_find: one forwarding-database lookup");
    public static readonly CostKey VxlanEncap = new("vxlan.encap", "vxlan_xmit: encapsulating one packet, per byte for checksums/copies");
    public static readonly CostKey VxlanDecap = new("vxlan.decap", "vxlan_rcv: decapsulating one packet");
    public static readonly CostKey GeneveEncap = new("geneve.encap", "geneve_xmit: encapsulating one packet");
    public static readonly CostKey GeneveDecap = new("geneve.decap", "geneve_rcv: decapsulating one packet");
    public static readonly CostKey IpipEncap = new("ipip.encap", "ipip_tunnel_xmit: one packet");
    public static readonly CostKey IpipDecap = new("ipip.decap", "ipip_rcv: one packet");
    public static readonly CostKey WireGuardXmit = new("wireguard.xmit", "wg_xmit: one packet (after segmentation) staged with its nonce and queued for the crypt workers; per byte: skb_gso_segment(skb, 0) copying and checksumming a segment");
    public static readonly CostKey WireGuardEncrypt = new("wireguard.encrypt", "wg_packet_encrypt_worker: encrypt_packet on one packet, ChaCha20-Poly1305 per byte of plaintext");
    public static readonly CostKey WireGuardTxWorker = new("wireguard.tx_worker", "wg_packet_tx_worker: one encrypted packet handed to the UDP socket (send4, udp_tunnel_xmit_skb), in order, per peer");
    public static readonly CostKey WireGuardReceive = new("wireguard.receive", "wg_receive: one data message matched to its keypair and queued for the decrypt workers");
    public static readonly CostKey WireGuardDecrypt = new("wireguard.decrypt", "wg_packet_decrypt_worker: decrypt_packet on one packet, ChaCha20-Poly1305 per byte");
    public static readonly CostKey WireGuardRxPoll = new("wireguard.rx_poll", "wg_packet_rx_poll: one decrypted packet checked (replay counter, allowed-ips) and handed to GRO, in order, per peer");
    public static readonly CostKey EspEncrypt = new("esp.encrypt", "esp_output + AES-GCM, per byte");
    public static readonly CostKey EspDecrypt = new("esp.decrypt", "esp_input + AES-GCM, per byte");
    public static readonly CostKey BpfProgram = new("bpf.program", "running one eBPF program (tc or XDP) on a packet");
    public static readonly CostKey BpfMapLookup = new("bpf.map_lookup", "bpf_map_lookup_elem/update_elem on a hash or LPM map from a program (policy map, conntrack map, ipcache)");
    public static readonly CostKey IpsetLookup = new("ipset.lookup", "ip_set_test: one hash lookup of an iptables -m set match");
    // --- applications that are part of the cluster ---
    public static readonly CostKey Iperf3UdpSend = new("iperf3.udp_send", "iperf3 -u's own user-space work per datagram sent: its send loop, the rate check and the timestamp and sequence number written into the datagram (iperf_udp_send), besides the sendto() system call");
    public static readonly CostKey Iperf3UdpReceive = new("iperf3.udp_receive", "iperf3 -s's own user-space work per datagram read: its receive loop, the sequence and loss check and the jitter update (iperf_udp_recv), besides the recvfrom() system call");
    public static readonly CostKey CorednsQuery = new("coredns.query", "CoreDNS: one query parsed, answered (kubernetes plugin, cache or forward) and its reply built, in the coredns process");

    public static readonly CostKey BpfRedirect = new("bpf.redirect", "bpf_redirect/bpf_redirect_peer: handing the packet to another device");

    // --- NIC and offloads ---
    public static readonly CostKey NicXmit = new("nic.xmit", "driver ndo_start_xmit: one packet (or TSO super-packet) to the NIC ring");
    public static readonly CostKey NicReceive = new("nic.receive", "driver receive in NAPI poll: one frame, skb build");
    public static readonly CostKey GsoSegment = new("gso.segment", "software segmentation: one segment cut from a GSO packet");
    public static readonly CostKey GroMerge = new("gro.merge", "napi_gro_receive: merging one segment into a GRO packet");
    public static readonly CostKey ChecksumSoftware = new("checksum.software", "computing a checksum in software, per byte (no offload)");

    // --- Open vSwitch kernel datapath (Weave Net's fast datapath) ---
    public static readonly CostKey OvsProcess = new("ovs.process", "ovs_vport_receive + ovs_dp_process_packet: flow key extraction and executing the matched flow's actions, one packet");
    public static readonly CostKey OvsUpcall = new("ovs.upcall", "ovs_dp_upcall + queue_userspace_packet: a flow miss copied (per byte) into a netlink message for the daemon's socket, and the daemon woken");
    public static readonly CostKey OvsFlowLookup = new("ovs.flow_lookup", "ovs_flow_tbl_lookup: one mask tested (masked key hashed and looked up in the flow table)");

    // --- Weave Net's sleeve: frames through the weaver process (router/sleeve.go, router/pcap.go) ---
    public static readonly CostKey AfPacketRcv = new("af_packet.rcv", "tpacket_rcv: an AF_PACKET socket's copy of one received frame into its mmap ring (per byte) and the poll wakeup of its reader");
    public static readonly CostKey SchedContextSwitch = new("sched.context_switch", "switching a core to a thread woken from a blocking read (schedule, switch_mm/switch_to, cache refill), once per wakeup, in the thread's context");
    public static readonly CostKey WeaveRouterFrame = new("weave.router_frame", "the weaver process's own work on one frame: gopacket decode, MAC cache and route lookup, channel hand-off between goroutines; per byte, the copy into the sleeve batch buffer");
    public static readonly CostKey NaclSecretbox = new("nacl.secretbox", "golang.org/x/crypto/nacl/secretbox Seal or Open on one sleeve datagram: XSalsa20 key derivation and Poly1305 finalisation per datagram, XSalsa20-Poly1305 per byte");

    private static readonly Dictionary<string, CostKey> ByName = typeof(CostKeys)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Where(f => f.FieldType == typeof(CostKey))
        .Select(f => (CostKey)f.GetValue(null)!)
        .ToDictionary(k => k.Name, StringComparer.Ordinal);

    /// <summary>All keys, in name order.</summary>
    public static IReadOnlyList<CostKey> All { get; } = ByName.Values.OrderBy(k => k.Name, StringComparer.Ordinal).ToArray();

    public static bool TryGet(string name, out CostKey key) => ByName.TryGetValue(name, out key!);
}
