using NetSim.Engine.Packets;

namespace NetSim.Engine.Tests.Packets;

public class HeaderSizeTests
{
    private readonly PacketPool _pool = new();

    [Fact]
    public void Ethernet_is_14_bytes_and_18_with_a_vlan_tag()
    {
        Assert.Equal(14, new EthernetHeader().Length);
        Assert.Equal(18, new EthernetHeader { VlanId = 100 }.Length);
    }

    [Fact]
    public void Plain_tcp_frame_is_14_plus_20_plus_20()
    {
        Packet p = _pool.Rent();
        p.PushTcp();
        TestPackets.PushIp(p, TestPackets.PodA, TestPackets.PodB, Ipv4Header.ProtocolTcp);
        Assert.Equal(40, p.Length);
        TestPackets.PushEthernet(p);
        Assert.Equal(54, p.Length);
        Assert.Equal(40, p.Ipv4Length);
    }

    [Fact]
    public void Syn_with_linux_options_has_a_40_byte_tcp_header()
    {
        // MSS 4 + SACK-permitted 2 + timestamps 10 + NOP + window scale 3 = 20 option bytes.
        Packet p = TestPackets.TcpSyn(_pool);
        Assert.Equal(40, p.Tcp.Length);
        Assert.Equal(60, p.Length);
    }

    [Fact]
    public void Timestamps_alone_make_a_32_byte_tcp_header()
    {
        Packet p = TestPackets.TcpData(_pool, 0);
        Assert.Equal(32, p.Tcp.Length);
    }

    [Theory]
    [InlineData(1, 44)] // NOP NOP TS + NOP NOP SACK(10) = 12 + 12
    [InlineData(2, 52)]
    [InlineData(3, 60)]
    [InlineData(4, 60)] // with timestamps only 3 blocks fit in 40 option bytes; Linux drops the fourth
    public void Timestamps_plus_sack_blocks_follow_linux_layout(byte blocks, int expected)
    {
        Packet p = TestPackets.TcpData(_pool, 0, blocks);
        Assert.Equal(expected, p.Tcp.Length);
        Assert.Equal(Math.Min((int)blocks, 3), p.Tcp.SackBlocksOnWire);
    }

    [Theory]
    [InlineData(false, 0, false, false, 0, 20)]
    [InlineData(false, 1460, false, false, 0, 24)] // MSS alone
    [InlineData(false, 1460, true, true, 0, 32)] // MSS, NOP NOP SACK-perm, NOP WS (no timestamps)
    [InlineData(false, 1460, true, false, 0, 28)] // MSS, NOP WS
    [InlineData(false, 0, true, false, 0, 24)] // NOP WS
    [InlineData(false, 0, false, true, 0, 24)] // NOP NOP SACK-perm
    [InlineData(true, 1460, true, false, 0, 40)] // MSS, NOP NOP TS, NOP WS
    [InlineData(true, 0, false, false, 0, 32)] // NOP NOP TS
    [InlineData(false, 0, false, false, 4, 56)] // NOP NOP SACK with 4 blocks: 4 + 32
    public void Option_combinations_are_aligned_like_linux(bool timestamps, int mss, bool windowScale, bool sackPermitted, byte sackBlocks, int expected)
    {
        var tcp = new TcpHeader
        {
            HasTimestamps = timestamps,
            MaxSegmentSize = (ushort)mss,
            HasWindowScale = windowScale,
            SackPermitted = sackPermitted,
            SackBlockCount = sackBlocks,
        };
        Assert.Equal(expected, tcp.Length);
    }

    [Fact]
    public void Udp_is_8_and_icmp_is_8()
    {
        Assert.Equal(8 + 20 + 100, TestPackets.Udp(_pool, 100).Length);
        Assert.Equal(8 + 20 + 56, TestPackets.IcmpEcho(_pool, 56).Length);
    }

    [Fact]
    public void Vxlan_adds_exactly_50_bytes_to_the_inner_ip_packet()
    {
        Packet p = TestPackets.TcpData(_pool, 1000);
        int inner = p.Length;
        TestPackets.EncapVxlan(p);
        Assert.Equal(inner + 50, p.Length); // outer IPv4 20 + UDP 8 + VXLAN 8 + inner Ethernet 14
        Assert.Equal(inner + 50, p.Ipv4Length);
        TestPackets.PushEthernet(p);
        Assert.Equal(inner + 64, p.Length);
    }

    [Fact]
    public void Ipip_adds_20()
    {
        Packet p = TestPackets.TcpData(_pool, 1000);
        int inner = p.Length;
        TestPackets.EncapIpip(p);
        Assert.Equal(inner + 20, p.Length);
    }

    [Fact]
    public void WireGuard_adds_60()
    {
        Packet p = TestPackets.TcpData(_pool, 1000);
        int inner = p.Length;
        TestPackets.EncapWireGuard(p);
        Assert.Equal(inner + 60, p.Length); // outer IPv4 20 + UDP 8 + header 16 + tag 16
    }

    [Theory]
    [InlineData(0, 50)]
    [InlineData(2, 58)]
    [InlineData(63, 50 + 252)]
    public void Geneve_adds_50_plus_its_options(byte optionWords, int overhead)
    {
        Packet p = TestPackets.TcpData(_pool, 1000);
        int inner = p.Length;
        TestPackets.EncapGeneve(p, optionWords);
        Assert.Equal(inner + overhead, p.Length);
    }

    [Fact]
    public void Gre_adds_24()
    {
        Packet p = TestPackets.TcpData(_pool, 1000);
        int inner = p.Length;
        TestPackets.EncapGre(p);
        Assert.Equal(inner + 24, p.Length);
    }

    [Theory]
    [InlineData(1000, 2)] // (1052 + 2) % 4 = 2 -> 2 bytes of padding
    [InlineData(1002, 0)]
    [InlineData(1001, 1)]
    public void Esp_adds_header_padding_and_icv(int payload, int pad)
    {
        Packet p = TestPackets.TcpData(_pool, payload);
        int inner = p.Length;
        TestPackets.EncapEsp(p);
        Assert.Equal(inner + 20 + 16 + pad + 2 + 16, p.Length);
        Assert.Equal(0, (inner + pad + 2) % 4);
    }
}
