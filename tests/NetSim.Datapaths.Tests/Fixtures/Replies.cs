using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Tests.Fixtures;

/// <summary>Sink behaviours: answer what arrives, as a server would.</summary>
public static class Replies
{
    /// <summary>Echoes every UDP datagram back to its sender (addresses and ports swapped).</summary>
    public static Action<Packet> EchoUdp(TestBed bed, NetworkNamespace ns) => p =>
    {
        Ipv4Header ip = p.Ipv4;
        UdpHeader u = p.Udp;
        bed.SendAt(bed.Sim.NowPicoseconds, ns, bed.Udp(ip.Destination.ToString(), ip.Source.ToString(), u.DestinationPort, u.SourcePort));
    };

    /// <summary>Answers a SYN with SYN-ACK and a FIN with FIN-ACK (enough to drive conntrack's TCP states).</summary>
    public static Action<Packet> AnswerTcp(TestBed bed, NetworkNamespace ns) => p =>
    {
        Ipv4Header ip = p.Ipv4;
        TcpHeader t = p.Tcp;
        TcpFlags answer = t.Has(TcpFlags.Syn) ? TcpFlags.Syn | TcpFlags.Ack : t.Has(TcpFlags.Fin) ? TcpFlags.Fin | TcpFlags.Ack : TcpFlags.None;
        if (answer == TcpFlags.None) return;
        bed.SendAt(bed.Sim.NowPicoseconds, ns, bed.Tcp(ip.Destination.ToString(), ip.Source.ToString(), t.DestinationPort, t.SourcePort, answer,
            seq: 1000, ack: t.SequenceNumber + 1));
    };
}
