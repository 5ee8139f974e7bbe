using System.Buffers.Binary;
using NetSim.Engine.Packets;

namespace NetSim.Engine.Tests.Packets;

public class PacketSerializerTests
{
    private readonly PacketPool _pool = new();

    public static TheoryData<string, string> Stacks => new()
    {
        { "tcp-data", "eth ipv4 tcp" },
        { "tcp-syn", "eth ipv4 tcp" },
        { "tcp-sack3", "eth ipv4 tcp" },
        { "tcp-odd-payload", "eth ipv4 tcp" },
        { "udp", "eth ipv4 udp" },
        { "icmp", "eth ipv4 icmp" },
        { "vlan-tcp", "eth.vlan100 ipv4 tcp" },
        { "vxlan-tcp", "eth ipv4 udp(nocsum) vxlan eth ipv4 tcp" },
        { "vxlan-udp", "eth ipv4 udp(nocsum) vxlan eth ipv4 udp" },
        { "geneve-tcp", "eth ipv4 udp(nocsum) geneve+8 eth ipv4 tcp" },
        { "ipip-tcp", "eth ipv4 ipv4 tcp" },
        { "gre-tcp", "eth ipv4 gre ipv4 tcp" },
        { "wireguard-tcp", "eth ipv4 udp wireguard" },
        { "esp-tcp", "eth ipv4 esp" },
        { "vxlan-icmp-vlan", "eth.vlan7 ipv4 udp(nocsum) vxlan eth ipv4 icmp" },
        { "vxlancsum-tcp", "eth ipv4 udp vxlan eth ipv4 tcp" },
    };

    internal static Packet Build(PacketPool pool, string name)
    {
        Packet p = name switch
        {
            "tcp-syn" => TestPackets.TcpSyn(pool),
            "tcp-sack3" => TestPackets.TcpData(pool, 1448, 3),
            "tcp-odd-payload" => TestPackets.TcpData(pool, 1),
            "udp" or "vxlan-udp" => TestPackets.Udp(pool, 333),
            "icmp" or "vxlan-icmp-vlan" => TestPackets.IcmpEcho(pool, 56),
            _ => TestPackets.TcpData(pool, 1448),
        };
        if (name.StartsWith("vxlan", StringComparison.Ordinal)) TestPackets.EncapVxlan(p, udpChecksum: name.StartsWith("vxlancsum", StringComparison.Ordinal));
        if (name.StartsWith("geneve", StringComparison.Ordinal)) TestPackets.EncapGeneve(p, 2);
        if (name.StartsWith("ipip", StringComparison.Ordinal)) TestPackets.EncapIpip(p);
        if (name.StartsWith("gre", StringComparison.Ordinal)) TestPackets.EncapGre(p);
        if (name.StartsWith("wireguard", StringComparison.Ordinal)) TestPackets.EncapWireGuard(p);
        if (name.StartsWith("esp", StringComparison.Ordinal)) TestPackets.EncapEsp(p);
        ushort vlan = name.StartsWith("vlan", StringComparison.Ordinal) ? (ushort)100 : name.EndsWith("vlan", StringComparison.Ordinal) ? (ushort)7 : (ushort)0;
        TestPackets.PushEthernet(p, vlan);
        return p;
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public void Writes_exactly_Length_bytes_that_parse_back_with_valid_checksums(string name, string layers)
    {
        Packet p = Build(_pool, name);
        byte[] buffer = new byte[p.Length + 100];
        Array.Fill(buffer, (byte)0xAA);
        int n = PacketSerializer.Write(p, buffer);
        Assert.Equal(p.Length, n);
        Assert.Equal(0xAA, buffer[n]); // nothing written past the end
        Assert.Equal(layers, WireFrameParser.Parse(buffer.AsSpan(0, n)));
    }

    [Fact]
    public void Every_single_layer_prefix_writes_its_LengthFrom()
    {
        Packet p = Build(_pool, "vxlan-tcp");
        byte[] buffer = new byte[p.Length];
        for (int top = -1; top < p.LayerCount; top++)
        {
            int expected = top < 0 ? p.PayloadLength : p.LengthFrom(top);
            Assert.Equal(expected, PacketSerializer.WriteFrom(p, top, buffer));
        }
    }

    [Fact]
    public void Too_small_a_buffer_is_refused()
    {
        Packet p = Build(_pool, "tcp-data");
        Assert.Throws<ArgumentException>(() => PacketSerializer.Write(p, new byte[p.Length - 1]));
    }

    [Fact]
    public void Ipv4_fields_land_where_rfc791_puts_them()
    {
        Packet p = TestPackets.Udp(_pool, 100);
        ref Ipv4Header ip = ref p.Ipv4;
        ip.Dscp = 46; // EF
        ip.Ecn = EcnCodepoint.Ect0;
        ip.DontFragment = false;
        ip.MoreFragments = true;
        ip.FragmentOffset = 1480;
        ip.Ttl = 17;
        byte[] b = TestPackets.Bytes(p);
        Assert.Equal(0x45, b[0]);
        Assert.Equal((46 << 2) | 2, b[1]);
        Assert.Equal(128, BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(2)));
        Assert.Equal(0x4321, BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(4)));
        Assert.Equal(0x2000 | (1480 / 8), BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(6)));
        Assert.Equal(17, b[8]);
        Assert.Equal(Ipv4Header.ProtocolUdp, b[9]);
        Assert.Equal([10, 244, 1, 2, 10, 244, 2, 3], b[12..20]);
        Assert.True(InternetChecksum.Verify(b.AsSpan(0, 20)));
    }

    [Fact]
    public void Zero_protocol_and_ethertype_are_filled_in_from_the_stack()
    {
        Packet p = TestPackets.TcpData(_pool, 10);
        p.Ipv4.Protocol = 0;
        TestPackets.EncapIpip(p);
        p.Ipv4.Protocol = 0;
        TestPackets.PushEthernet(p).EtherType = 0;
        byte[] b = TestPackets.Bytes(p);
        Assert.Equal(0x0800, BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(12)));
        Assert.Equal(Ipv4Header.ProtocolIpip, b[14 + 9]);
        Assert.Equal(Ipv4Header.ProtocolTcp, b[34 + 9]);
    }

    [Fact]
    public void Syn_options_are_laid_out_as_linux_sends_them()
    {
        Packet p = TestPackets.TcpSyn(_pool);
        byte[] b = TestPackets.Bytes(p);
        ReadOnlySpan<byte> tcp = b.AsSpan(20);
        Assert.Equal(10 << 4, tcp[12]); // data offset 10 words = 40 bytes
        Assert.Equal((byte)TcpFlags.Syn, tcp[13]);
        Assert.Equal(64240, BinaryPrimitives.ReadUInt16BigEndian(tcp[14..]));
        byte[] options =
        [
            2, 4, 0x05, 0xb4, // MSS 1460
            4, 2, // SACK permitted
            8, 10, 0, 0, 0, 42, 0, 0, 0, 0, // timestamps 42, 0
            1, 3, 3, 7, // NOP, window scale 7
        ];
        Assert.Equal(options, tcp[20..40].ToArray());
    }

    [Fact]
    public void Data_segment_carries_nop_nop_timestamps_then_nop_nop_sack()
    {
        Packet p = TestPackets.TcpData(_pool, 0, sackBlocks: 2);
        byte[] b = TestPackets.Bytes(p);
        ReadOnlySpan<byte> tcp = b.AsSpan(20);
        Assert.Equal(p.Tcp.Length, (tcp[12] >> 4) * 4);
        Assert.Equal([1, 1, 8, 10], tcp[20..24].ToArray());
        Assert.Equal(123_456u, BinaryPrimitives.ReadUInt32BigEndian(tcp[24..]));
        Assert.Equal(654_321u, BinaryPrimitives.ReadUInt32BigEndian(tcp[28..]));
        Assert.Equal([1, 1, 5, 18], tcp[32..36].ToArray());
        Assert.Equal(3_000_000u, BinaryPrimitives.ReadUInt32BigEndian(tcp[36..]));
        Assert.Equal(3_000_000u + 1448, BinaryPrimitives.ReadUInt32BigEndian(tcp[40..]));
        Assert.Equal(3_010_000u, BinaryPrimitives.ReadUInt32BigEndian(tcp[44..]));
        Assert.Equal(52, p.Tcp.Length);
    }

    [Fact]
    public void Tcp_checksum_changes_with_the_payload_length_and_still_verifies()
    {
        byte[] a = TestPackets.Bytes(TestPackets.TcpData(_pool, 100));
        byte[] b = TestPackets.Bytes(TestPackets.TcpData(_pool, 101));
        Assert.NotEqual(a[36..38], b[36..38]);
        Assert.Equal("eth ipv4 tcp", WireFrameParser.Parse(WithEthernet(b)));
    }

    [Fact]
    public void Vxlan_header_has_the_i_flag_and_the_vni()
    {
        Packet p = TestPackets.TcpData(_pool, 0);
        TestPackets.EncapVxlan(p);
        p.Layer(p.IndexOfOuter(HeaderKind.Vxlan)).Vxlan.Vni = 0xABCDEF;
        byte[] b = TestPackets.Bytes(p);
        ReadOnlySpan<byte> vxlan = b.AsSpan(28, 8);
        Assert.Equal([0x08, 0, 0, 0, 0xAB, 0xCD, 0xEF, 0], vxlan.ToArray());
        Assert.Equal(TestPackets.VxlanPort, BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(22)));
        Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(26))); // the device sent none (UdpHeader.ZeroChecksum: noudpcsum)
        // The inner frame starts right after: inner Ethernet then inner IPv4.
        Assert.Equal(0x0800, BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(36 + 12)));
        Assert.Equal(0x45, b[36 + 14]);
    }

    [Fact]
    public void Tunnel_udp_checksum_follows_the_sending_device()
    {
        Packet withChecksum = TestPackets.TcpData(_pool, 50);
        TestPackets.EncapVxlan(withChecksum, udpChecksum: true);
        TestPackets.PushEthernet(withChecksum);
        byte[] b = TestPackets.Bytes(withChecksum);
        Assert.NotEqual(0, BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(40))); // udpcsum: computed (the parser verifies it)
        Assert.Equal("eth ipv4 udp vxlan eth ipv4 tcp", WireFrameParser.Parse(b));

        Packet zero = TestPackets.TcpData(_pool, 50);
        TestPackets.EncapVxlan(zero, udpChecksum: false);
        TestPackets.PushEthernet(zero);
        byte[] z = TestPackets.Bytes(zero);
        Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(z.AsSpan(40))); // noudpcsum: zero on the wire
        Assert.Equal(b[42..], z[42..]); // the rest of the frame is the same
    }

    [Fact]
    public void Geneve_header_has_version_0_option_length_protocol_and_vni_with_zero_options()
    {
        Packet p = TestPackets.TcpData(_pool, 0);
        TestPackets.EncapGeneve(p, 3);
        byte[] b = TestPackets.Bytes(p);
        ReadOnlySpan<byte> geneve = b.AsSpan(28);
        Assert.Equal([3, 0, 0x65, 0x58, 0, 0, 1, 0], geneve[..8].ToArray());
        Assert.All(geneve[8..20].ToArray(), x => Assert.Equal(0, x));
        Assert.Equal(p.LengthFrom(p.IndexOfOuter(HeaderKind.Udp)), BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(24)));
    }

    [Fact]
    public void WireGuard_message_is_type_4_little_endian_with_zero_ciphertext_and_tag()
    {
        Packet p = TestPackets.TcpData(_pool, 100);
        int inner = p.Length;
        TestPackets.EncapWireGuard(p);
        byte[] b = TestPackets.Bytes(p);
        ReadOnlySpan<byte> wg = b.AsSpan(28);
        Assert.Equal(16 + inner + 16, wg.Length);
        Assert.Equal([4, 0, 0, 0, 0x44, 0x33, 0x22, 0x11, 5, 0, 0, 0, 0, 0, 0, 0], wg[..16].ToArray());
        Assert.All(wg[16..].ToArray(), x => Assert.Equal(0, x));
    }

    [Fact]
    public void Esp_trailer_has_monotonic_padding_pad_length_and_next_header()
    {
        Packet p = TestPackets.TcpData(_pool, 1001); // inner 1053 bytes -> 1 byte of padding
        int inner = p.Length;
        TestPackets.EncapEsp(p);
        byte[] b = TestPackets.Bytes(p);
        ReadOnlySpan<byte> esp = b.AsSpan(20);
        Assert.Equal(0xC0FFEEu, BinaryPrimitives.ReadUInt32BigEndian(esp));
        Assert.Equal(9u, BinaryPrimitives.ReadUInt32BigEndian(esp[4..]));
        Assert.Equal(0x45, esp[16]); // the inner IPv4 header, in clear
        ReadOnlySpan<byte> trailer = esp[(16 + inner)..];
        Assert.Equal([1, 1, Ipv4Header.ProtocolIpip], trailer[..3].ToArray()); // pad 1, pad length 1, next header 4
        Assert.Equal(16, trailer[3..].Length);
        Assert.All(trailer[3..].ToArray(), x => Assert.Equal(0, x));
    }

    [Fact]
    public void Esp_padding_counts_up_from_one()
    {
        Packet p = TestPackets.TcpData(_pool, 1000); // inner 1052 -> 2 bytes of padding
        int inner = p.Length;
        TestPackets.EncapEsp(p);
        byte[] b = TestPackets.Bytes(p);
        Assert.Equal([1, 2, 2, 4], b.AsSpan(20 + 16 + inner, 4).ToArray());
    }

    [Fact]
    public void Icmp_fragmentation_needed_carries_the_next_hop_mtu()
    {
        Packet p = _pool.Rent();
        ref IcmpHeader icmp = ref p.PushIcmp();
        icmp.Type = IcmpHeader.DestinationUnreachable;
        icmp.Code = IcmpHeader.CodeFragmentationNeeded;
        icmp.NextHopMtu = 1450;
        p.PayloadLength = 28;
        TestPackets.PushIp(p, TestPackets.NodeB, TestPackets.NodeA, Ipv4Header.ProtocolIcmp);
        byte[] b = TestPackets.Bytes(p);
        Assert.Equal([3, 4], b[20..22]);
        Assert.Equal([0, 0, 0x05, 0xaa], b[24..28]);
        Assert.Equal("eth ipv4 icmp", WireFrameParser.Parse(WithEthernet(b)));
    }

    [Fact]
    public void Vlan_tag_carries_the_vlan_id()
    {
        Packet p = TestPackets.Udp(_pool, 0);
        TestPackets.PushEthernet(p, 0x123);
        byte[] b = TestPackets.Bytes(p);
        Assert.Equal([0x02, 0, 0, 0, 0, 0x0B, 0x02, 0, 0, 0, 0, 0x0A, 0x81, 0x00, 0x01, 0x23, 0x08, 0x00], b[..18]);
    }

    [Fact]
    public void Gso_super_packet_beyond_64k_writes_zero_lengths()
    {
        Packet p = TestPackets.Udp(_pool, 70_000);
        byte[] b = TestPackets.Bytes(p);
        Assert.Equal(70_028, b.Length);
        Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(2)));
        Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(24)));
        Assert.True(InternetChecksum.Verify(b.AsSpan(0, 20)));
    }

    [Fact]
    public void Serialization_is_deterministic_and_does_not_change_the_packet()
    {
        Packet p = Build(_pool, "vxlan-tcp");
        int length = p.Length;
        byte[] a = TestPackets.Bytes(p);
        byte[] b = TestPackets.Bytes(p);
        Assert.Equal(a, b);
        Assert.Equal(length, p.Length);
        Assert.Equal(7, p.LayerCount);
    }

    [Fact]
    public void Serializing_allocates_nothing()
    {
        Packet p = Build(_pool, "vxlan-tcp");
        byte[] buffer = new byte[p.Length];
        PacketSerializer.Write(p, buffer);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) PacketSerializer.Write(p, buffer);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static byte[] WithEthernet(byte[] ip)
    {
        byte[] frame = new byte[14 + ip.Length];
        frame[12] = 0x08;
        ip.CopyTo(frame, 14);
        return frame;
    }
}
