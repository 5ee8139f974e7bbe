using NetSim.Engine.Costs;
using NetSim.Engine.Elements;
using NetSim.Engine.Packets;

namespace NetSim.Traffic.Tests.Harness;

/// <summary>A test namespace's kernel answering ICMP echo requests (icmp_echo): charges icmp.send and sends the reply out.</summary>
public sealed class EchoResponder : PacketElement
{
    private readonly TestNamespace _ns;
    private readonly Cost _send;

    public EchoResponder(TestNamespace ns) : base(ns.Node, "icmp_echo")
    {
        _ns = ns;
        _send = ns.Node.Costs[CostKeys.IcmpSend];
        ns.RegisterProtocol(Ipv4Header.ProtocolIcmp, this);
    }

    public long Answered { get; private set; }

    public override void Receive(Packet packet)
    {
        ref IcmpHeader request = ref packet.Icmp;
        Packet r = packet.Pool.Rent();
        r.PayloadLength = packet.PayloadLength;
        r.FlowId = packet.FlowId;
        r.CreatedAt = Node.Sim.NowPicoseconds;
        ref IcmpHeader icmp = ref r.PushIcmp();
        icmp.Type = IcmpHeader.EchoReply;
        icmp.Identifier = request.Identifier;
        icmp.SequenceNumber = request.SequenceNumber;
        ref Ipv4Header ip = ref r.PushIpv4();
        ip.Source = packet.Ipv4.Destination;
        ip.Destination = packet.Ipv4.Source;
        ip.Protocol = Ipv4Header.ProtocolIcmp;
        ip.Ttl = 64;
        Answered++;
        Node.Pool.Deliver(packet);
        Work(r, _send, _ns.LocalOut);
    }
}
