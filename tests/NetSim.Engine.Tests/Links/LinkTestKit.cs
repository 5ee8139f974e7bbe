using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Engine.Costs;
using NetSim.Engine.Elements;
using NetSim.Engine.Links;
using NetSim.Engine.Packets;

namespace NetSim.Engine.Tests.Links;

/// <summary>Packet builders and recording endpoints shared by the link, NIC and switch tests.</summary>
internal static class LinkTestKit
{
    public const long Gbps = 1_000_000_000L;
    public static readonly MacAddress MacA = MacAddress.LocallyAdministered(0xA);
    public static readonly MacAddress MacB = MacAddress.LocallyAdministered(0xB);
    public static readonly Ipv4Address IpA = Ipv4Address.Parse("10.0.0.1");
    public static readonly Ipv4Address IpB = Ipv4Address.Parse("10.0.0.2");

    /// <summary>An Ethernet/IPv4/UDP frame of exactly <paramref name="length"/> bytes (at least 42).</summary>
    public static Packet UdpFrame(PacketPool pool, int length, MacAddress src = default, MacAddress dst = default,
        ushort sourcePort = 1000, EcnCodepoint ecn = EcnCodepoint.NotEct)
    {
        Packet p = pool.Rent();
        ref UdpHeader udp = ref p.PushUdp();
        udp.SourcePort = sourcePort;
        udp.DestinationPort = 2000;
        ref Ipv4Header ip = ref p.PushIpv4();
        ip.Source = IpA;
        ip.Destination = IpB;
        ip.Protocol = Ipv4Header.ProtocolUdp;
        ip.Ttl = 64;
        ip.Ecn = ecn;
        ref EthernetHeader eth = ref p.PushEthernet();
        eth.Source = src == default ? MacA : src;
        eth.Destination = dst == default ? MacB : dst;
        eth.EtherType = EthernetHeader.EtherTypeIpv4;
        p.PayloadLength = length - 42;
        if (p.Length != length) throw new InvalidOperationException("bad test frame length");
        return p;
    }

    /// <summary>
    /// A TCP packet (no Ethernet header: the NIC adds it) with timestamps (32-byte TCP header), as a GSO
    /// super-packet when <paramref name="mss"/> is positive.
    /// </summary>
    public static Packet TcpPacket(PacketPool pool, int payload, int mss, uint seq = 1000, ushort sourcePort = 40000,
        Ipv4Address? src = null, Ipv4Address? dst = null)
    {
        Packet p = pool.Rent();
        ref TcpHeader tcp = ref p.PushTcp();
        tcp.SourcePort = sourcePort;
        tcp.DestinationPort = 5201;
        tcp.SequenceNumber = seq;
        tcp.AcknowledgmentNumber = 77;
        tcp.Flags = TcpFlags.Ack | TcpFlags.Psh;
        tcp.Window = 512;
        tcp.HasTimestamps = true;
        tcp.TimestampValue = 5;
        ref Ipv4Header ip = ref p.PushIpv4();
        ip.Source = src ?? IpA;
        ip.Destination = dst ?? IpB;
        ip.Protocol = Ipv4Header.ProtocolTcp;
        ip.Ttl = 64;
        ip.Identification = 100;
        p.PayloadLength = payload;
        p.GsoSize = (ushort)mss;
        return p;
    }

    /// <summary>Wraps a packet in VXLAN: inner Ethernet, outer UDP (source port given), outer IPv4.</summary>
    public static void Vxlan(Packet p, ushort outerSourcePort, Ipv4Address outerSrc, Ipv4Address outerDst)
    {
        ref EthernetHeader inner = ref p.PushEthernet();
        inner.Source = MacAddress.LocallyAdministered(0x100);
        inner.Destination = MacAddress.LocallyAdministered(0x200);
        inner.EtherType = EthernetHeader.EtherTypeIpv4;
        p.PushVxlan().Vni = 1;
        ref UdpHeader udp = ref p.PushUdp();
        udp.SourcePort = outerSourcePort;
        udp.DestinationPort = 4789;
        ref Ipv4Header ip = ref p.PushIpv4();
        ip.Source = outerSrc;
        ip.Destination = outerDst;
        ip.Protocol = Ipv4Header.ProtocolUdp;
        ip.Ttl = 64;
        ip.Identification = 500;
    }

    public static NodeContext Node(Simulator sim, PacketPool pool, CostProfile costs, int id = 1, int cores = 1) =>
        new(sim, pool, costs, id, $"node{id}", cores);

    /// <summary>A cost profile with only the given fixed costs in ns (per-byte zero), for exact CPU checks.</summary>
    public static CostProfile Costs(params (CostKey Key, long FixedNs)[] costs)
    {
        var d = new Dictionary<string, Cost>(StringComparer.Ordinal);
        foreach (var (k, ns) in costs) d[k.Name] = new Cost(ns * 1000, 0);
        return new CostProfile("test", d);
    }
}

/// <summary>A link endpoint that records what arrives and when, then delivers it.</summary>
internal sealed class RecordingEndpoint(Simulator sim, PacketPool pool) : ILinkEndpoint
{
    public List<(long At, int Length, long CompleteAt, EcnCodepoint Ecn, ulong Dst)> Arrivals { get; } = new();

    public void FrameArrived(Packet frame, LinkEnd at, long completeAtPs)
    {
        int ip = frame.IndexOfOuter(HeaderKind.Ipv4);
        EcnCodepoint ecn = ip >= 0 ? frame.Layer(ip).Ipv4.Ecn : EcnCodepoint.NotEct;
        ulong dst = frame.TopKind == HeaderKind.Ethernet ? frame.Top.Ethernet.Destination.Value : 0;
        Arrivals.Add((sim.NowPicoseconds, frame.Length, completeAtPs, ecn, dst));
        pool.Deliver(frame);
    }
}

/// <summary>The end of a datapath in a test: records each packet (time, payload, GSO size, first sequence) and delivers it.</summary>
internal sealed class SinkElement(NodeContext node, string name = "sink") : PacketElement(node, name)
{
    public List<(long At, int Payload, int GsoSize, uint Seq, int Core, long CreatedAt)> Received { get; } = new();

    public override void Receive(Packet packet)
    {
        uint seq = packet.Has(HeaderKind.Tcp) ? packet.Tcp.SequenceNumber : 0;
        Received.Add((Node.Sim.NowPicoseconds, packet.PayloadLength, packet.GsoSize, seq, packet.Core, packet.CreatedAt));
        Node.Pool.Deliver(packet);
    }
}

/// <summary>A capture tap that records each frame's length, L3 length and TCP sequence number.</summary>
internal sealed class RecordingTap : IPacketTap
{
    public List<(long At, int Length, int Ipv4Length, uint Seq, ushort IpId)> Frames { get; } = new();

    public void Capture(Packet packet, long timePs) =>
        Frames.Add((timePs, packet.Length, packet.Ipv4Length, packet.Has(HeaderKind.Tcp) ? packet.Tcp.SequenceNumber : 0,
            packet.Has(HeaderKind.Ipv4) ? packet.Ipv4.Identification : (ushort)0));
}
