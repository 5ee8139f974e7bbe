using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Addressing;
using NetSim.Engine.Elements;
using NetSim.Engine.Packets;

namespace NetSim.Topologies.Tests.KubeProxy.Fixtures;

/// <summary>What a sink saw of one packet (for ICMP errors: the embedded datagram's destination and ports).</summary>
/// <see cref="Cpu"/> is the node's CPU time charged so far (all work that led to the delivery, on a one-core node).
public sealed record Arrival(long At, Ipv4Address Source, Ipv4Address Destination, byte Protocol, ushort SourcePort, ushort DestinationPort,
    TcpFlags Flags, byte IcmpType, byte IcmpCode)
{
    public long Cpu { get; init; }
}

/// <summary>
/// The TCP, UDP and ICMP receiver of one namespace: records every packet and, like a server, answers SYNs with
/// SYN-ACK and (when <see cref="EchoUdp"/>) echoes UDP datagrams.
/// </summary>
public sealed class PodSink : PacketElement
{
    private readonly ProxyBed _bed;
    private readonly NetworkNamespace _ns;

    public PodSink(ProxyBed bed, NetworkNamespace ns) : base(ns.Node, ns.Name + "/sink")
    {
        _bed = bed;
        _ns = ns;
        ns.RegisterProtocol(Ipv4Header.ProtocolTcp, this);
        ns.RegisterProtocol(Ipv4Header.ProtocolUdp, this);
        ns.RegisterProtocol(Ipv4Header.ProtocolIcmp, this);
    }

    public List<Arrival> Arrivals { get; } = new();
    public bool EchoUdp { get; set; } = true;
    public bool AnswerSyn { get; set; } = true;
    /// <summary>Whether arrivals are recorded (off for allocation measurements); <see cref="Count"/> always counts.</summary>
    public bool Record { get; set; } = true;
    public long Count { get; private set; }

    public IEnumerable<Arrival> Of(byte protocol) => Arrivals.Where(a => a.Protocol == protocol);

    public override void Receive(Packet packet)
    {
        Count++;
        if (!Record)
        {
            Node.Pool.Deliver(packet);
            return;
        }
        Packet p = packet;
        int ip = p.IndexOfOuter(HeaderKind.Ipv4);
        Ipv4Header h = p.Layer(ip).Ipv4;
        HeaderLayer l4 = p.Layer(ip - 1);
        Arrival a = l4.Kind switch
        {
            HeaderKind.Tcp => new Arrival(Node.Sim.NowPicoseconds, h.Source, h.Destination, h.Protocol, l4.Tcp.SourcePort, l4.Tcp.DestinationPort, l4.Tcp.Flags, 0, 0),
            HeaderKind.Udp => new Arrival(Node.Sim.NowPicoseconds, h.Source, h.Destination, h.Protocol, l4.Udp.SourcePort, l4.Udp.DestinationPort, 0, 0, 0),
            _ => IcmpArrival(p, ip, h),
        };
        Arrivals.Add(a with { Cpu = Node.Cpu.TotalBusyPs });
        if (a.Protocol == Ipv4Header.ProtocolTcp && AnswerSyn && a.Flags == TcpFlags.Syn)
            _bed.Send(_ns, _bed.Tcp(a.Source, a.DestinationPort, a.SourcePort, TcpFlags.Syn | TcpFlags.Ack, 1000, l4.Tcp.SequenceNumber + 1, src: a.Destination));
        if (a.Protocol == Ipv4Header.ProtocolUdp && EchoUdp)
        {
            Packet r = _bed.Udp(a.Source, a.DestinationPort, a.SourcePort);
            r.Ipv4.Source = a.Destination;
            _bed.Send(_ns, r);
        }
        Node.Pool.Deliver(p);
    }

    /// <summary>An ICMP error: the embedded datagram's addresses and ports.</summary>
    private Arrival IcmpArrival(Packet p, int ip, Ipv4Header h)
    {
        IcmpHeader icmp = p.Layer(ip - 1).Icmp;
        Ipv4Header inner = ip >= 2 ? p.Layer(ip - 2).Ipv4 : default;
        ushort sp = 0, dp = 0;
        if (ip >= 3 && p.Layer(ip - 3).Kind == HeaderKind.Tcp) (sp, dp) = (p.Layer(ip - 3).Tcp.SourcePort, p.Layer(ip - 3).Tcp.DestinationPort);
        if (ip >= 3 && p.Layer(ip - 3).Kind == HeaderKind.Udp) (sp, dp) = (p.Layer(ip - 3).Udp.SourcePort, p.Layer(ip - 3).Udp.DestinationPort);
        return new Arrival(Node.Sim.NowPicoseconds, h.Source, inner.Destination, Ipv4Header.ProtocolIcmp, sp, dp, 0, icmp.Type, icmp.Code);
    }
}
