using NetSim.Engine.Packets;

namespace NetSim.Engine.Tests.Packets;

/// <summary>
/// Packet.Length is kept up to date on push and pop (and re-read for headers handed out by reference) instead of
/// walking the stack: these check it against the header sizes summed by hand through encapsulation, header changes
/// made through references, decapsulation, copies and ESP (whose trailer depends on what it carries).
/// </summary>
public class PacketLengthBookkeepingTests
{
    private readonly PacketPool _pool = new();

    [Fact]
    public void Vxlan_encapsulation_and_decapsulation_add_and_remove_exactly_their_headers()
    {
        Packet p = TestPackets.TcpData(_pool, 1000); // TCP 32 (timestamps) + IPv4 20
        TestPackets.PushEthernet(p); // + Ethernet 14
        Assert.Equal(1000 + 32 + 20 + 14, p.Length);
        p.PushUdp();
        p.PushVxlan();
        TestPackets.PushIp(p, TestPackets.NodeA, TestPackets.NodeB, Ipv4Header.ProtocolUdp);
        TestPackets.PushEthernet(p);
        Assert.Equal(1066 + 8 + 8 + 20 + 14, p.Length);
        Assert.Equal(1066 + 8 + 8 + 20, p.Ipv4Length);
        Assert.Equal(1066, p.LengthFrom(p.IndexOfOuter(HeaderKind.Udp) - 1));
        p.Pop(HeaderKind.Ethernet);
        p.Pop(HeaderKind.Ipv4);
        p.Pop(HeaderKind.Vxlan);
        p.Pop(HeaderKind.Udp);
        Assert.Equal(1066, p.Length);
        Assert.Equal(1052, p.Ipv4Length);
    }

    [Fact]
    public void A_size_changed_through_a_reference_after_a_length_read_is_seen_by_the_next_read()
    {
        Packet p = TestPackets.TcpData(_pool, 100);
        TestPackets.PushEthernet(p);
        Assert.Equal(100 + 32 + 20 + 14, p.Length);
        p.Ethernet.VlanId = 7;
        Assert.Equal(100 + 32 + 20 + 18, p.Length);
        p.Tcp.SackBlockCount = 2; // NOP NOP SACK 2 + 8 per block: 20 more
        Assert.Equal(100 + 52 + 20 + 18, p.Length);
        p.Layer(0).Tcp.SackBlockCount = 0;
        Assert.Equal(100 + 32 + 20 + 18, p.Length);
        p.PayloadLength = 1448;
        Assert.Equal(1448 + 32 + 20 + 18, p.Length);
    }

    [Fact]
    public void Geneve_options_count_and_a_copy_keeps_the_same_length()
    {
        Packet p = TestPackets.TcpData(_pool, 500);
        TestPackets.PushEthernet(p);
        p.PushUdp();
        p.PushGeneve().OptionWords = 2; // 8 + 8 option bytes
        TestPackets.PushIp(p, TestPackets.NodeA, TestPackets.NodeB, Ipv4Header.ProtocolUdp);
        Assert.Equal(566 + 8 + 16 + 20, p.Length);
        Packet copy = _pool.Rent();
        copy.CopyFrom(p);
        Assert.Equal(p.Length, copy.Length);
        copy.Layer(copy.IndexOfOuter(HeaderKind.Geneve)).Geneve.OptionWords = 0;
        Assert.Equal(566 + 8 + 8 + 20, copy.Length);
        Assert.Equal(566 + 8 + 16 + 20, p.Length);
    }

    [Fact]
    public void Esp_trailer_follows_the_bytes_it_protects()
    {
        Packet p = TestPackets.TcpData(_pool, 1000);
        p.PushEsp();
        TestPackets.PushIp(p, TestPackets.NodeA, TestPackets.NodeB, Ipv4Header.ProtocolEsp);
        int inner = 1000 + 32 + 20;
        Assert.Equal(inner + EspHeader.HeaderSize + EspHeader.TrailerFor(inner) + 20, p.Length);
        p.PayloadLength = 999;
        Assert.Equal(inner - 1 + EspHeader.HeaderSize + EspHeader.TrailerFor(inner - 1) + 20, p.Length);
        p.Pop(HeaderKind.Ipv4);
        p.Pop(HeaderKind.Esp);
        Assert.Equal(inner - 1, p.Length);
    }

    [Fact]
    public void A_returned_and_rented_again_packet_starts_at_zero()
    {
        Packet p = TestPackets.TcpData(_pool, 100);
        _pool.Deliver(p);
        Packet q = _pool.Rent();
        Assert.Equal(0, q.Length);
        q.PushUdp();
        Assert.Equal(8, q.Length);
    }
}
