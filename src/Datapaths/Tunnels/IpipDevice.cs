using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Tunnels;

/// <summary>
/// An IP-in-IP device (tunl0, Calico's IPIP mode): an L3 device that puts a 20-byte outer IPv4 header (protocol 4)
/// in front of the packet, so its MTU is the underlay's minus 20. With no fixed remote (tunl0) the outer
/// destination is the next hop of the route that chose the device ("via NODE_IP dev tunl0 onlink"). The outer TTL
/// is inherited from the inner header unless set, DF is set (path MTU discovery on) and ECN is copied.
/// Received protocol-4 packets are decapsulated here and enter the device's receive path. Costs <c>ipip.encap</c> /
/// <c>ipip.decap</c>.
/// </summary>
public sealed class IpipDevice : NetDevice
{
    public const int HeaderOverhead = Ipv4Header.Size;

    public IpipDevice(NetworkNamespace ns, string name = "tunl0", NetDevice? underlay = null, Ipv4Address local = default,
        Ipv4Address remote = default, int? mtu = null)
        : base(ns, name, mtu ?? (underlay?.Mtu ?? 1500) - HeaderOverhead, MacAddress.Zero)
    {
        LocalAddress = local;
        Remote = remote;
        UnderlayNamespace = ns;
        Decap = new IpipDecap(this);
        ns.RegisterProtocol(Ipv4Header.ProtocolIpip, Decap);
    }

    public override bool HasL2 => false;
    public Ipv4Address LocalAddress { get; set; }
    /// <summary>A fixed remote endpoint; Any (tunl0) takes the route's next hop.</summary>
    public Ipv4Address Remote { get; set; }
    public NetworkNamespace UnderlayNamespace { get; }
    /// <summary>Outer TTL; 0 inherits the inner packet's.</summary>
    public byte Ttl { get; set; }
    /// <summary>pmtudisc: outer DF set (the default).</summary>
    public bool PathMtuDiscovery { get; set; } = true;
    internal IpipDecap Decap { get; }

    /// <summary>ipip_tunnel_xmit.</summary>
    protected override void Xmit(Packet p, long pendingPs)
    {
        long ps = pendingPs + Costs.IpipEncap.For(p.Length);
        if (p.TopKind != HeaderKind.Ipv4)
        {
            ChargeAndDrop(p, ps, DropReason.NotForThisHost);
            return;
        }
        Ipv4Header inner = p.Ipv4;
        Ipv4Address remote = Remote;
        if (remote == Ipv4Address.Any) remote = Namespace.LookupRoute(inner.Destination)?.NextHop(inner.Destination) ?? inner.Destination;
        ref Ipv4Header ip = ref p.PushIpv4();
        ip.Source = LocalAddress;
        ip.Destination = remote;
        ip.Protocol = Ipv4Header.ProtocolIpip;
        ip.Ttl = Ttl != 0 ? Ttl : inner.Ttl;
        ip.DontFragment = PathMtuDiscovery || inner.DontFragment;
        ip.Ecn = TunnelEcn.Encapsulate(inner.Ecn);
        Scrub(p, UnderlayNamespace != Namespace);
        WorkPs(p, ps, UnderlayNamespace.LocalOut, p.Trace is null ? null : $"ipip encap → {remote}");
    }
}
