using NetSim.Engine.Packets;

namespace NetSim.Engine.Tests.Packets;

public class PacketStackTests
{
    private readonly PacketPool _pool = new();

    [Fact]
    public void Push_puts_the_new_header_on_top_and_pop_removes_it()
    {
        Packet p = TestPackets.TcpData(_pool, 100);
        Assert.Equal(HeaderKind.Ipv4, p.TopKind);
        TestPackets.EncapVxlan(p);
        TestPackets.PushEthernet(p);
        HeaderKind[] expected = [HeaderKind.Tcp, HeaderKind.Ipv4, HeaderKind.Ethernet, HeaderKind.Vxlan, HeaderKind.Udp, HeaderKind.Ipv4, HeaderKind.Ethernet];
        Assert.Equal(expected.Length, p.LayerCount);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], p.Layer(i).Kind);

        // Decapsulation, as vxlan_rcv does it: outer Ethernet, outer IPv4, UDP, VXLAN; then the inner frame remains.
        p.Pop(HeaderKind.Ethernet);
        p.Pop(HeaderKind.Ipv4);
        p.Pop(HeaderKind.Udp);
        p.Pop(HeaderKind.Vxlan);
        Assert.Equal(HeaderKind.Ethernet, p.TopKind);
        Assert.Equal(100 + 32 + 20 + 14, p.Length);
    }

    [Fact]
    public void Pushed_header_is_zeroed_even_when_the_slot_was_used_before()
    {
        Packet p = TestPackets.TcpData(_pool, 0);
        p.Pop(HeaderKind.Ipv4);
        p.Pop(HeaderKind.Tcp);
        ref TcpHeader tcp = ref p.PushTcp();
        Assert.Equal(0u, tcp.SequenceNumber);
        Assert.False(tcp.HasTimestamps);
        Assert.Equal(20, tcp.Length);
    }

    [Fact]
    public void Pop_of_the_wrong_kind_throws_and_leaves_the_stack_alone()
    {
        Packet p = TestPackets.TcpData(_pool, 0);
        var e = Assert.Throws<InvalidOperationException>(() => p.Pop(HeaderKind.Ethernet));
        Assert.Contains("Ipv4", e.Message, StringComparison.Ordinal);
        Assert.Equal(2, p.LayerCount);
        p.Pop(HeaderKind.Ipv4);
        p.Pop(HeaderKind.Tcp);
        Assert.Throws<InvalidOperationException>(() => p.Pop(HeaderKind.Tcp));
        Assert.Equal(HeaderKind.None, p.TopKind);
    }

    [Fact]
    public void Stack_depth_is_bounded()
    {
        Packet p = _pool.Rent();
        for (int i = 0; i < Packet.MaxLayers; i++) p.PushIpv4();
        Assert.Throws<InvalidOperationException>(() => p.PushIpv4());
        Assert.Throws<ArgumentOutOfRangeException>(() => p.Layer(Packet.MaxLayers));
    }

    [Fact]
    public void Accessors_pick_outer_ip_and_inner_tcp()
    {
        Packet p = TestPackets.TcpData(_pool, 10);
        TestPackets.EncapIpip(p);
        Assert.Equal(TestPackets.NodeA, p.Ipv4.Source);
        Assert.Equal(TestPackets.ClientPort, p.Tcp.SourcePort);
        Assert.Equal(1, p.IndexOfInner(HeaderKind.Ipv4));
        Assert.Equal(2, p.IndexOfOuter(HeaderKind.Ipv4));
        Assert.False(p.Has(HeaderKind.Udp));
        Assert.Throws<InvalidOperationException>(() => p.Udp.SourcePort);
        // Writes through the ref land in the packet.
        p.Ipv4.Ttl = 3;
        Assert.Equal(3, p.Layer(2).Ipv4.Ttl);
    }

    [Fact]
    public void LengthFrom_counts_each_layer_inwards()
    {
        Packet p = TestPackets.TcpData(_pool, 1000);
        TestPackets.EncapVxlan(p);
        TestPackets.PushEthernet(p);
        int[] expected = [1032, 1052, 1066, 1074, 1082, 1102, 1116];
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], p.LengthFrom(i));
    }

    [Fact]
    public void CopyFrom_copies_headers_and_tags_but_not_the_trace()
    {
        Packet a = TestPackets.TcpData(_pool, 64_000);
        a.GsoSize = 1448;
        a.FlowId = 7;
        a.Mark = 0x4000;
        a.Trace = new PacketTrace();
        Packet b = _pool.Rent();
        b.CopyFrom(a);
        Assert.Equal(a.Length, b.Length);
        Assert.Equal(7, b.FlowId);
        Assert.Equal(0x4000u, b.Mark);
        Assert.Null(b.Trace);
        Assert.Equal(45, b.SegmentCount); // ceil(64000 / 1448)
        b.Tcp.SequenceNumber = 99;
        Assert.NotEqual(99u, a.Tcp.SequenceNumber);
    }
}
