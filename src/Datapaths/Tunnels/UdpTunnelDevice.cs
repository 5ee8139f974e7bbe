using NetSim.Datapaths.Common;
using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Addressing;
using NetSim.Engine.Costs;
using NetSim.Engine.Elements;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Tunnels;

/// <summary>
/// An Ethernet-over-UDP tunnel device (VXLAN, Geneve). Transmit looks the inner destination MAC up in the device's
/// FDB (<c>bridge fdb append MAC dev flannel.1 dst NODE_IP</c>; the all-zeros MAC lists default destinations that
/// get every frame), pushes the tunnel header, UDP (source port from the inner flow hash in the kernel's local port
/// range 32768–60999, udp_flow_src_port) and an outer IPv4 header, and sends the result through ip_local_out of
/// the underlay namespace, where it is routed (to eth0) like any local packet. The outer header copies the inner
/// ECN, TTL 64, DF clear (the kernel's "df unset" default). GSO super-packets keep their GsoSize. The outer UDP checksum
/// is computed (<see cref="UdpChecksum"/>) unless the device was made with noudpcsum or the tunnel key says so.
/// Receive: the UDP socket bound to the port (<see cref="UdpTunnelDecap"/>) pops the outer headers and the inner
/// frame enters this device's receive path, through its gro_cells when it arrives unmerged.
/// </summary>
public abstract class UdpTunnelDevice : NetDevice
{
    /// <summary>net.ipv4.ip_local_port_range defaults, the range udp_flow_src_port maps the flow hash into.</summary>
    public const ushort DefaultSourcePortMin = 32768, DefaultSourcePortMax = 60999;

    private readonly Dictionary<MacAddress, Ipv4Address> _fdb = new();
    private readonly List<Ipv4Address> _defaultRemotes = new();

    protected UdpTunnelDevice(NetworkNamespace ns, string name, uint vni, ushort port, int mtu, Ipv4Address local, MacAddress? mac)
        : base(ns, name, mtu, mac)
    {
        if (vni > 0xFF_FFFF) throw new ArgumentOutOfRangeException(nameof(vni), vni, "a VNI has 24 bits");
        Vni = vni;
        Port = port;
        LocalAddress = local;
        UnderlayNamespace = ns;
        if (ns.UdpTunnel(port) is UdpTunnelDecap decap) decap.Add(this);
        else ns.RegisterUdpTunnel(port, new UdpTunnelDecap(ns, port, this));
        GroCells = new GroCells(this);
        ns.Node.Holders.Add(GroCells);
    }

    public uint Vni { get; }
    /// <summary>The UDP destination port (and the port the receiving socket is bound to).</summary>
    public ushort Port { get; }
    /// <summary>The VTEP source address ("local"); Any lets the underlay route pick it.</summary>
    public Ipv4Address LocalAddress { get; set; }
    /// <summary>The namespace the UDP socket lives in (where the device was created).</summary>
    public NetworkNamespace UnderlayNamespace { get; }
    public ushort SourcePortMin { get; set; } = DefaultSourcePortMin;
    public ushort SourcePortMax { get; set; } = DefaultSourcePortMax;
    public byte Ttl { get; set; } = Ipv4Header.DefaultTtl;
    /// <summary>
    /// The outer UDP checksum is sent (udp_csum; false: zero, VXLAN_F_UDP_ZERO_CSUM_TX / noudpcsum). Linux computes it
    /// by default for IPv4 VXLAN and Geneve since 4.6 (A. Duyck, "GENEVE/VXLAN: Enable outer Tx checksum by default");
    /// a receiver whose NIC verifies it gets the inner checksum for free (<see cref="NetSim.Engine.Nics.RxChecksum"/>).
    /// </summary>
    public bool UdpChecksum { get; set; } = true;
    /// <summary>vxlan_rcv's gro_cells: unmerged decapsulated segments are merged here.</summary>
    internal GroCells GroCells { get; }
    /// <summary>Outer DF ("df set"); the kernel default leaves it clear.</summary>
    public bool DontFragment { get; set; }
    public long Encapsulated { get; private set; }
    /// <summary>Where encapsulated packets go: the underlay's ip_local_out, or a transform an xfrm policy puts on them first (Weave's ESP).</summary>
    public PacketElement? Output { get; set; }
    public long Decapsulated { get; internal set; }

    /// <summary>Bytes the tunnel adds in front of the inner IP packet (outer IPv4 + UDP + tunnel header + inner Ethernet).</summary>
    public abstract int Overhead { get; }
    internal abstract Cost EncapCost { get; }
    internal abstract Cost DecapCost { get; }
    /// <summary>Pushes the tunnel header (VXLAN, Geneve) on the inner frame.</summary>
    protected abstract void PushTunnelHeader(Packet p);
    /// <summary>The VNI in a tunnel header at layer <paramref name="index"/>; false if it is not this device's kind.</summary>
    internal abstract bool TryReadVni(Packet p, int index, out uint vni);

    /// <summary>bridge fdb append MAC dev DEV dst REMOTE (all-zeros MAC: a default destination).</summary>
    public void AddFdb(MacAddress mac, Ipv4Address remote)
    {
        if (mac == MacAddress.Zero)
        {
            if (!_defaultRemotes.Contains(remote)) _defaultRemotes.Add(remote);
            return;
        }
        _fdb[mac] = remote;
    }

    public bool RemoveFdb(MacAddress mac) => _fdb.Remove(mac);

    /// <summary>
    /// What flanneld installs for a remote node: a permanent neighbour entry for the remote's gateway address on
    /// this device (ip neigh replace GW lladdr VTEP_MAC dev DEV nud permanent) and the FDB entry that sends frames
    /// for that MAC to the node (bridge fdb append VTEP_MAC dev DEV dst NODE_IP).
    /// </summary>
    public void AddRemoteVtep(Ipv4Address gateway, MacAddress vtepMac, Ipv4Address nodeAddress)
    {
        Namespace.Neighbours.Add(this, gateway, vtepMac);
        AddFdb(vtepMac, nodeAddress);
    }

    /// <summary>The remote VTEP for an inner destination MAC, if known.</summary>
    public bool TryGetRemote(MacAddress mac, out Ipv4Address remote) => _fdb.TryGetValue(mac, out remote);

    /// <summary>udp_flow_src_port: the flow hash scaled into [min, max).</summary>
    public ushort SourcePortFor(uint hash) => (ushort)((((ulong)hash * (uint)(SourcePortMax - SourcePortMin)) >> 32) + SourcePortMin);

    /// <summary>vxlan_xmit / geneve_xmit.</summary>
    protected override void Xmit(Packet p, long pendingPs)
    {
        long ps = pendingPs + EncapCost.For(p.Length);
        if (p.TopKind != HeaderKind.Ethernet)
        {
            ChargeAndDrop(p, ps, DropReason.NotForThisHost);
            return;
        }
        if (_fdb.TryGetValue(p.Ethernet.Destination, out Ipv4Address remote))
        {
            Send(p, remote, ps);
            return;
        }
        if (_defaultRemotes.Count == 0)
        {
            Counters.TxDropped++;
            ChargeAndDrop(p, ps, DropReason.NoForwardingEntry);
            return;
        }
        int last = _defaultRemotes.Count - 1;
        for (int i = 0; i < last; i++)
        {
            Packet copy = p.Pool.Rent();
            copy.CopyFrom(p);
            Send(copy, _defaultRemotes[i], i == 0 ? ps : 0);
        }
        Send(p, _defaultRemotes[last], last == 0 ? ps : 0);
    }

    private void Send(Packet p, Ipv4Address remote, long ps)
    {
        uint hash = PacketFields.FlowHash(p);
        EcnCodepoint innerEcn = p.IndexOfOuter(HeaderKind.Ipv4) is int ii and >= 0 ? p.Layer(ii).Ipv4.Ecn : EcnCodepoint.NotEct;
        PushTunnelHeader(p);
        ref UdpHeader udp = ref p.PushUdp();
        udp.SourcePort = SourcePortFor(hash);
        udp.DestinationPort = Port;
        udp.ZeroChecksum = !UdpChecksum;
        ref Ipv4Header ip = ref p.PushIpv4();
        ip.Source = LocalAddress;
        ip.Destination = remote;
        ip.Protocol = Ipv4Header.ProtocolUdp;
        ip.Ttl = Ttl;
        ip.DontFragment = DontFragment;
        ip.Ecn = TunnelEcn.Encapsulate(innerEcn);
        Scrub(p, UnderlayNamespace != Namespace);
        Encapsulated++;
        WorkPs(p, ps, Output ?? UnderlayNamespace.LocalOut, p.Trace is null ? null : $"{GetType().Name} encap → {remote}");
    }
}
