using NetSim.Datapaths.Common;
using NetSim.Datapaths.Ebpf;
using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Addressing;
using NetSim.Engine.Elements;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Devices;

/// <summary>
/// A network device (struct net_device): name, ifindex, MTU, MAC, up/down, the namespace it lives in, its
/// addresses, an optional capture tap, eBPF hook slots (XDP, tc ingress, tc egress) and counters.
/// <para>
/// Transmit side: <see cref="PacketElement.Receive"/> is dev_queue_xmit — the packet (with its L2 header when the
/// device has one) runs the tc egress hook, is captured and counted, and goes to the driver (<see cref="Xmit"/>).
/// Receive side: <see cref="RxEntry"/> is __netif_receive_skb_core for this device — XDP, capture, <c>netif.receive</c>,
/// tc ingress, then the bridge (if the device is a bridge port) or the namespace's ip_rcv.
/// </para>
/// Devices are created up (CNI plugins always set their links up); set <see cref="IsUp"/> to false to take one down.
/// </summary>
public abstract class NetDevice : DatapathElement
{
    private readonly List<InterfaceAddress> _addresses = new();
    private NetworkNamespace _namespace;

    protected NetDevice(NetworkNamespace ns, string name, int mtu, MacAddress? mac)
        : base(ns.Node, name)
    {
        if (mtu < 68) throw new ArgumentOutOfRangeException(nameof(mtu), mtu, "an IPv4 device needs an MTU of at least 68");
        _namespace = ns;
        Mtu = mtu;
        Mac = mac ?? StableHash.DeviceMac(ns.Node.Id, ns.Name, name);
        RxEntry = new NetifReceive(this, afterBridgeNetfilter: false);
        ns.AttachDevice(this);
    }

    /// <summary>The interface index in its namespace (lo is 1).</summary>
    public int IfIndex { get; internal set; }
    public int Mtu { get; set; }
    public MacAddress Mac { get; set; }
    public bool IsUp { get; set; } = true;
    public override NetworkNamespace Namespace => _namespace;
    /// <summary>The device's IPv4 addresses, primary first (add them with <see cref="NetworkNamespace.AddAddress"/>).</summary>
    public IReadOnlyList<InterfaceAddress> Addresses => _addresses;
    internal List<InterfaceAddress> AddressList => _addresses;

    /// <summary>A capture point (tcpdump -i); sees frames after tc egress on transmit and before tc ingress on receive.</summary>
    public IPacketTap? Tap { get; set; }
    /// <summary>XDP program, run in the driver before an skb exists.</summary>
    public BpfProgram? Xdp { get; set; }
    public BpfProgram? TcIngress { get; set; }
    public BpfProgram? TcEgress { get; set; }
    public DeviceCounters Counters { get; } = new();

    /// <summary>net.ipv4.conf.DEV.proxy_arp: answer ARP for addresses routed through another device (Calico's cali* veths).</summary>
    public bool ProxyArp { get; set; }
    /// <summary>The bridge port this device is enslaved as, if any (its frames go to the bridge, not to ip_rcv).</summary>
    public BridgePort? BridgePort { get; internal set; }
    /// <summary>The rx_handler a macvlan or ipvlan lower device runs before its own stack (null: none).</summary>
    internal IRxHandler? RxHandler { get; set; }
    /// <summary>The bridge this device is a port of, if any.</summary>
    public LinuxBridge? Master => BridgePort?.Bridge;

    /// <summary>False for L3 devices (loopback, IPIP, WireGuard): no Ethernet header, no neighbour lookup.</summary>
    public virtual bool HasL2 => true;

    /// <summary>The receive entry: where a peer, a NIC or a tunnel's decapsulation delivers frames to this device.</summary>
    public PacketElement RxEntry { get; }

    private RpsSteering? _rps;

    /// <summary>RPS/RFS on this device's RX queues (null: off, the kernel's default): received packets may move to another core.</summary>
    public RpsSteering? Rps
    {
        get => _rps;
        set
        {
            _rps = value;
            if (value is not null) RxAfterSteering ??= new NetifReceive(this, afterBridgeNetfilter: false, afterSteering: true);
        }
    }

    /// <summary>Where a packet steered by RPS enters the stack on its target core (no second steering).</summary>
    internal PacketElement? RxAfterSteering { get; private set; }

    /// <summary>A packet handed to this device for transmission: dev_queue_xmit.</summary>
    public sealed override void Receive(Packet packet) => Transmit(packet);

    /// <summary>dev_queue_xmit: tc egress, capture, counters, then the driver.</summary>
    public void Transmit(Packet p)
    {
        if (!IsUp)
        {
            Counters.TxDropped++;
            Drop(p, DropReason.DeviceDown);
            return;
        }
        long ps = 0;
        if (TcEgress is { } prog)
        {
            ps += BpfCost(prog, p);
            if (ActOnBpf(p, prog.Execute(p, BpfHookPoint.TcEgress, this), BpfHookPoint.TcEgress, this, ref ps)) return;
        }
        XmitDirect(p, ps);
    }

    /// <summary>Counts, captures and hands the packet to the driver, skipping the qdisc and tc egress (XDP redirects land here).</summary>
    internal void XmitDirect(Packet p, long ps)
    {
        Counters.CountTx(p.Length);
        Tap?.Capture(p, Node.Sim.NowPicoseconds);
        Xmit(p, ps);
    }

    /// <summary>
    /// ndo_start_xmit: the device-specific transmit. <paramref name="pendingPs"/> is work already done for this
    /// packet in this hop (eBPF) that the device must charge together with its own.
    /// </summary>
    protected abstract void Xmit(Packet p, long pendingPs);

    /// <summary>
    /// ARP out of this device: asks whoever is on the device's link for <paramref name="target"/>'s MAC. The
    /// exchange is instant (no frames are simulated) but has the effects the frames would have, e.g. bridges on
    /// the way learn both MACs. False when nobody answers.
    /// </summary>
    public bool ResolveOnLink(Ipv4Address target, out MacAddress mac) => ResolveOnLink(target, Mac, out mac);

    /// <summary>An ARP request from <paramref name="requester"/> sent out of this device (a bridge floods others' requests this way).</summary>
    protected internal virtual bool ResolveOnLink(Ipv4Address target, MacAddress requester, out MacAddress mac)
    {
        mac = default;
        return false;
    }

    /// <summary>
    /// arp_process: an ARP request for <paramref name="target"/> from <paramref name="requester"/> arrived on this
    /// device. A bridge port passes it to its bridge; otherwise the device answers with its MAC when
    /// <paramref name="target"/> is a (non-loopback) address of its namespace (arp_ignore=0), or by proxy ARP when
    /// enabled, forwarding is on and the target is routed out of another device.
    /// </summary>
    public virtual bool AnswerArp(Ipv4Address target, MacAddress requester, out MacAddress mac)
    {
        if (BridgePort is { } port) return port.Bridge.AnswerArpFromPort(target, requester, port, out mac);
        // A vport of a switch (Open vSwitch), or a device a userspace router captures on (Weave's vethwe-pcap): the request goes there.
        if (RxHandler is OvsDatapath or WeavePcapCapture && RxHandler.AnswerExternal(target, requester, out mac)) return true;
        return AnswerArpAsHost(target, out mac);
    }

    /// <summary>arp_process on this device as an L3 endpoint (no bridge involved).</summary>
    internal bool AnswerArpAsHost(Ipv4Address target, out MacAddress mac)
    {
        mac = Mac;
        if (!IsUp || target.IsLoopback) return false;
        NetworkNamespace ns = Namespace;
        if (ns.IsLocalAddress(target)) return true;
        if (ProxyArp && ns.IpForwarding && ns.LookupRoute(target) is { Type: Routing.RouteType.Unicast } r && r.Device != this)
            return true;
        mac = default;
        return false;
    }

    /// <summary>ip link set DEV netns NS: moves the device; its addresses, routes and neighbours stay behind and are removed.</summary>
    public void MoveTo(NetworkNamespace target)
    {
        if (target == _namespace) return;
        if (target.Node != Node) throw new InvalidOperationException($"{Name}: namespaces {_namespace.Name} and {target.Name} are on different nodes");
        if (BridgePort is not null) throw new InvalidOperationException($"{Name} is a port of {Master!.Name}; release it first");
        _namespace.DetachDevice(this);
        _namespace = target;
        target.AttachDevice(this);
    }

    /// <summary>ip link set DEV name NEW (the device down, as the kernel asks): refused if its namespace has a device of that name.</summary>
    public void Rename(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        foreach (NetDevice d in _namespace.Devices)
            if (d != this && string.Equals(d.Name, name, StringComparison.Ordinal)) throw new InvalidOperationException($"{_namespace.Name} already has a device named {name}");
        Name = name;
    }

    /// <summary>The device's alias (ifalias): host-device keeps the host name here while the device is in a pod.</summary>
    public string Alias { get; set; } = "";

    /// <summary>True once the device has been deleted (ip link del); it is in no namespace's device list.</summary>
    public bool IsDeleted { get; private set; }

    /// <summary>
    /// ip link del DEV: released from its bridge, taken down, and removed from its namespace with its addresses,
    /// routes and neighbours. Idempotent.
    /// </summary>
    public virtual void Delete()
    {
        if (IsDeleted) return;
        IsDeleted = true;
        if (BridgePort is { } port) port.Bridge.RemovePort(port);
        IsUp = false;
        _namespace.DetachDevice(this);
    }

    public override string ToString() => $"{Namespace.Name}/{Name}";
}
