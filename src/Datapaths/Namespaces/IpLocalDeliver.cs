using NetSim.Datapaths.Common;
using NetSim.Datapaths.Netfilter;
using NetSim.Engine.Elements;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Namespaces;

/// <summary>
/// ip_local_deliver: reassembles fragments (ip_defrag), runs INPUT, then hands the packet to its protocol: a UDP
/// tunnel socket bound to the destination port (VXLAN, Geneve, WireGuard), the registered receiver of the IP
/// protocol (TCP, UDP, IPIP), or the kernel's own ICMP. Nothing registered: dropped as NoListener.
/// </summary>
internal sealed class IpLocalDeliver : NamespaceElement
{
    public IpLocalDeliver(NetworkNamespace ns) : base(ns, "ip_local_deliver") { }

    public override void Receive(Packet p)
    {
        NetworkNamespace ns = Namespace;
        if (IpReassembler.IsFragment(p))
        {
            Packet? whole = ns.Reassembler.Add(p, out bool duplicate);
            if (duplicate) Drop(p, DropReason.FragmentReassembly);
            if (whole is null) return;
            p = whole;
        }
        var s = new NfHookState(ns, NfInetHook.LocalIn, p, ns.DeviceByIndex(p.IngressInterface), null, 0);
        ns.Netfilter.Run(ref s);
        if (!Continue(ref s)) return;
        p = s.Packet;
        long ps = s.CostPs;

        int ip = p.IndexOfOuter(HeaderKind.Ipv4);
        byte protocol = p.Layer(ip).Ipv4.Protocol;
        int l4 = PacketFields.TransportIndex(p, ip);
        if (protocol == Ipv4Header.ProtocolUdp && l4 >= 0 && ns.UdpTunnel(p.Layer(l4).Udp.DestinationPort) is { } tunnel)
        {
            WorkPs(p, ps, tunnel, p.Trace is null ? null : "udp encap_rcv");
            return;
        }
        PacketElement? receiver = protocol == Ipv4Header.ProtocolIcmp ? ns.IcmpReceive : ns.ProtocolHandler(protocol);
        if (receiver is null)
        {
            ChargeAndDrop(p, ps, DropReason.NoListener);
            return;
        }
        WorkPs(p, ps, receiver, p.Trace is null ? null : "ip_local_deliver");
    }
}
