using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;

namespace NetSim.Engine.Tests.Packets;

/// <summary>Builds the packets the packet and pcap tests share: pod-to-pod traffic, bare or encapsulated.</summary>
internal static class TestPackets
{
    public static readonly Ipv4Address PodA = Ipv4Address.Parse("10.244.1.2");
    public static readonly Ipv4Address PodB = Ipv4Address.Parse("10.244.2.3");
    public static readonly Ipv4Address NodeA = Ipv4Address.Parse("192.168.0.10");
    public static readonly Ipv4Address NodeB = Ipv4Address.Parse("192.168.0.11");
    public static readonly MacAddress MacA = MacAddress.LocallyAdministered(0xA);
    public static readonly MacAddress MacB = MacAddress.LocallyAdministered(0xB);
    public const ushort ClientPort = 40000, ServerPort = 8080, VxlanPort = 8472, GenevePort = 6081, WireGuardPort = 51820;
    public const uint Vni = 1;

    /// <summary>A data segment (ACK|PSH) with timestamps, as Linux sends on an established connection.</summary>
    public static Packet TcpData(PacketPool pool, int payload, byte sackBlocks = 0)
    {
        Packet p = pool.Rent();
        p.PayloadLength = payload;
        ref TcpHeader tcp = ref p.PushTcp();
        tcp.SourcePort = ClientPort;
        tcp.DestinationPort = ServerPort;
        tcp.SequenceNumber = 1_000_001;
        tcp.AcknowledgmentNumber = 2_000_001;
        tcp.Flags = TcpFlags.Ack | TcpFlags.Psh;
        tcp.Window = 502;
        tcp.HasTimestamps = true;
        tcp.TimestampValue = 123_456;
        tcp.TimestampEcho = 654_321;
        tcp.SackBlockCount = sackBlocks;
        for (int b = 0; b < sackBlocks; b++)
        {
            tcp.Sack[b].Left = (uint)(3_000_000 + 10_000 * b);
            tcp.Sack[b].Right = (uint)(3_000_000 + 10_000 * b + 1448);
        }
        PushIp(p, PodA, PodB, Ipv4Header.ProtocolTcp);
        return p;
    }

    /// <summary>A SYN with Linux's full option set: MSS, SACK-permitted, timestamps, window scale.</summary>
    public static Packet TcpSyn(PacketPool pool)
    {
        Packet p = pool.Rent();
        ref TcpHeader tcp = ref p.PushTcp();
        tcp.SourcePort = ClientPort;
        tcp.DestinationPort = ServerPort;
        tcp.SequenceNumber = 1_000_000;
        tcp.Flags = TcpFlags.Syn;
        tcp.Window = 64240;
        tcp.MaxSegmentSize = 1460;
        tcp.SackPermitted = true;
        tcp.HasTimestamps = true;
        tcp.TimestampValue = 42;
        tcp.HasWindowScale = true;
        tcp.WindowScale = 7;
        PushIp(p, PodA, PodB, Ipv4Header.ProtocolTcp);
        return p;
    }

    public static Packet Udp(PacketPool pool, int payload)
    {
        Packet p = pool.Rent();
        p.PayloadLength = payload;
        ref UdpHeader udp = ref p.PushUdp();
        udp.SourcePort = 43000;
        udp.DestinationPort = 43001;
        PushIp(p, PodA, PodB, Ipv4Header.ProtocolUdp);
        return p;
    }

    public static Packet IcmpEcho(PacketPool pool, int payload)
    {
        Packet p = pool.Rent();
        p.PayloadLength = payload;
        ref IcmpHeader icmp = ref p.PushIcmp();
        icmp.Type = IcmpHeader.EchoRequest;
        icmp.Identifier = 0x1234;
        icmp.SequenceNumber = 7;
        PushIp(p, PodA, PodB, Ipv4Header.ProtocolIcmp);
        return p;
    }

    public static ref Ipv4Header PushIp(Packet p, Ipv4Address src, Ipv4Address dst, byte protocol)
    {
        ref Ipv4Header ip = ref p.PushIpv4();
        ip.Source = src;
        ip.Destination = dst;
        ip.Protocol = protocol;
        ip.Ttl = Ipv4Header.DefaultTtl;
        ip.DontFragment = true;
        ip.Identification = 0x4321;
        return ref ip;
    }

    public static ref EthernetHeader PushEthernet(Packet p, ushort vlan = 0)
    {
        ref EthernetHeader eth = ref p.PushEthernet();
        eth.Source = MacA;
        eth.Destination = MacB;
        eth.EtherType = EthernetHeader.EtherTypeIpv4;
        eth.VlanId = vlan;
        return ref eth;
    }

    /// <summary>
    /// VXLAN: inner Ethernet, VXLAN, outer UDP to 8472, outer IPv4 between nodes. The outer UDP checksum is zero
    /// (noudpcsum, as Cilium and Weave's fast datapath send it) unless <paramref name="udpChecksum"/> (Flannel, Calico).
    /// </summary>
    public static void EncapVxlan(Packet p, bool udpChecksum = false)
    {
        PushEthernet(p);
        p.PushVxlan().Vni = Vni;
        PushUdp(p, VxlanPort).ZeroChecksum = !udpChecksum;
        PushIp(p, NodeA, NodeB, Ipv4Header.ProtocolUdp);
    }

    /// <summary>Geneve (OVN/Antrea): inner Ethernet, Geneve with option words, outer UDP 6081.</summary>
    public static void EncapGeneve(Packet p, byte optionWords)
    {
        PushEthernet(p);
        ref GeneveHeader g = ref p.PushGeneve();
        g.Vni = Vni;
        g.OptionWords = optionWords;
        g.ProtocolType = GeneveHeader.ProtocolTransparentEthernet;
        PushUdp(p, GenevePort).ZeroChecksum = true; // Cilium's Geneve device: noudpcsum
        PushIp(p, NodeA, NodeB, Ipv4Header.ProtocolUdp);
    }

    /// <summary>Calico IPIP: the inner IPv4 packet directly inside an outer IPv4 header with protocol 4.</summary>
    public static void EncapIpip(Packet p) => PushIp(p, NodeA, NodeB, Ipv4Header.ProtocolIpip);

    /// <summary>WireGuard transport data in UDP 51820.</summary>
    public static void EncapWireGuard(Packet p)
    {
        ref WireGuardHeader wg = ref p.PushWireGuard();
        wg.ReceiverIndex = 0x11223344;
        wg.Counter = 5;
        PushUdp(p, WireGuardPort);
        PushIp(p, NodeA, NodeB, Ipv4Header.ProtocolUdp);
    }

    /// <summary>GRE (no key) carrying the inner IPv4 packet.</summary>
    public static void EncapGre(Packet p)
    {
        p.PushGre();
        PushIp(p, NodeA, NodeB, Ipv4Header.ProtocolGre);
    }

    /// <summary>IPsec ESP tunnel mode.</summary>
    public static void EncapEsp(Packet p)
    {
        ref EspHeader esp = ref p.PushEsp();
        esp.Spi = 0xC0FFEE;
        esp.SequenceNumber = 9;
        PushIp(p, NodeA, NodeB, Ipv4Header.ProtocolEsp);
    }

    private static ref UdpHeader PushUdp(Packet p, ushort destinationPort)
    {
        ref UdpHeader udp = ref p.PushUdp();
        udp.SourcePort = 51000;
        udp.DestinationPort = destinationPort;
        return ref udp;
    }

    /// <summary>Serializes the whole packet into a fresh array of exactly <see cref="Packet.Length"/> bytes.</summary>
    public static byte[] Bytes(Packet p)
    {
        byte[] buffer = new byte[p.Length + 64];
        int n = PacketSerializer.Write(p, buffer);
        return buffer[..n];
    }
}
