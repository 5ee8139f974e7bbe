using NetSim.Datapaths.Common;
using NetSim.Engine.Elements;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Namespaces;

/// <summary>
/// icmp_rcv: echo requests are answered by the kernel (unless icmp_echo_ignore_all); other ICMP goes to the
/// registered ICMP receiver if there is one, else errors go to the error handler of the protocol they are about
/// (the receiver of the embedded datagram's protocol, as tcp_v4_err/udp_err), and anything else is consumed.
/// </summary>
internal sealed class IcmpReceive : NamespaceElement
{
    public IcmpReceive(NetworkNamespace ns) : base(ns, "icmp_rcv") { }

    public override void Receive(Packet p)
    {
        NetworkNamespace ns = Namespace;
        int ip = p.IndexOfOuter(HeaderKind.Ipv4);
        int l4 = PacketFields.TransportIndex(p, ip);
        if (l4 < 0)
        {
            Drop(p, DropReason.NotForThisHost);
            return;
        }
        byte type = p.Layer(l4).Icmp.Type;
        if (type == IcmpHeader.EchoRequest && !ns.IcmpEchoIgnoreAll)
        {
            if (p.Trace is not null) Charge(p, 0, "icmp_rcv → icmp_echo"); // the request's walk ends here, answered by the kernel
            ns.Icmp.SendEchoReply(p);
            Node.Pool.Deliver(p);
            return;
        }
        PacketElement? receiver = ns.ProtocolHandler(Ipv4Header.ProtocolIcmp);
        if (receiver is null && PacketFields.IsIcmpError(type) && l4 >= 1 && p.Layer(l4 - 1).Kind == HeaderKind.Ipv4)
            receiver = ns.ProtocolHandler(p.Layer(l4 - 1).Ipv4.Protocol);
        if (receiver is null)
        {
            Node.Pool.Deliver(p); // consumed by the kernel's ICMP handling
            return;
        }
        WorkPs(p, 0, receiver, p.Trace is null ? null : "icmp_rcv");
    }
}
