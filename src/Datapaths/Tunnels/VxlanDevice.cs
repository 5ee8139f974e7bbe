using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Addressing;
using NetSim.Engine.Costs;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Tunnels;

/// <summary>
/// A VXLAN device (flannel.1, vxlan.calico, cilium_vxlan): Ethernet in UDP with an 8-byte VXLAN header. The
/// overhead is 50 bytes (outer IPv4 20 + UDP 8 + VXLAN 8 + inner Ethernet 14), so the MTU is the underlay's minus
/// 50 (1450 on a 1500-byte NIC). Port 8472 is the Linux default that flannel and Cilium keep; 4789 is IANA's.
/// Costs <c>vxlan.encap</c> / <c>vxlan.decap</c>.
/// </summary>
public sealed class VxlanDevice : UdpTunnelDevice
{
    public const ushort LinuxDefaultPort = 8472;
    public const ushort IanaPort = 4789;
    public const int HeaderOverhead = Ipv4Header.Size + UdpHeader.Size + VxlanHeader.Size + EthernetHeader.Size;

    /// <param name="underlay">The device the tunnel runs over; the MTU defaults to its MTU − 50 (else 1450).</param>
    public VxlanDevice(NetworkNamespace ns, string name, uint vni, ushort port = LinuxDefaultPort, NetDevice? underlay = null,
        Ipv4Address local = default, int? mtu = null, MacAddress? mac = null)
        : base(ns, name, vni, port, mtu ?? (underlay?.Mtu ?? 1500) - HeaderOverhead, local, mac) { }

    public override int Overhead => HeaderOverhead;
    internal override Cost EncapCost => Costs.VxlanEncap;
    internal override Cost DecapCost => Costs.VxlanDecap;

    protected override void PushTunnelHeader(Packet p) => p.PushVxlan().Vni = Vni;

    internal override bool TryReadVni(Packet p, int index, out uint vni)
    {
        ref HeaderLayer l = ref p.Layer(index);
        vni = l.Kind == HeaderKind.Vxlan ? l.Vxlan.Vni : 0;
        return l.Kind == HeaderKind.Vxlan;
    }
}
