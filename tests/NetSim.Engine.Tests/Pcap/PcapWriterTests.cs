using System.Buffers.Binary;
using NetSim.Engine.Packets;
using NetSim.Engine.Pcap;
using NetSim.Engine.Tests.Packets;

namespace NetSim.Engine.Tests.Pcap;

public class PcapWriterTests
{
    private readonly PacketPool _pool = new();

    private static PcapFileReader Capture(PcapOptions options, params (Packet Packet, long TimePs)[] packets)
    {
        using var stream = new MemoryStream();
        using (var writer = new PcapWriter(stream, options, leaveOpen: true))
            foreach (var (p, t) in packets) writer.Capture(p, t);
        return new PcapFileReader(stream.ToArray());
    }

    private Packet Frame(int payload)
    {
        Packet p = TestPackets.TcpData(_pool, payload);
        TestPackets.PushEthernet(p);
        return p;
    }

    [Fact]
    public void Global_header_is_nanosecond_pcap_2_4_ethernet()
    {
        var file = Capture(new PcapOptions { SnapLength = 9000 });
        Assert.Equal(0xA1B23C4Du, file.Magic);
        Assert.Equal(2, file.VersionMajor);
        Assert.Equal(4, file.VersionMinor);
        Assert.Equal(9000u, file.SnapLength);
        Assert.Equal(1u, file.LinkType);
        Assert.Empty(file.Records);
    }

    [Fact]
    public void Global_header_bytes_are_little_endian()
    {
        using var stream = new MemoryStream();
        using (new PcapWriter(stream, null, leaveOpen: true)) { }
        Assert.Equal([0x4d, 0x3c, 0xb2, 0xa1, 2, 0, 4, 0], stream.ToArray()[..8]);
        Assert.Equal(24, stream.Length);
    }

    [Fact]
    public void Timestamps_are_simulation_time_in_nanoseconds()
    {
        // 3 s + 123456789 ns + 999 ps: the picoseconds below a nanosecond are truncated.
        long t = 3_000_000_000_000L + 123_456_789_000L + 999;
        var file = Capture(new PcapOptions(), (Frame(10), 0), (Frame(10), t));
        Assert.Equal((0u, 0u), (file.Records[0].Seconds, file.Records[0].Nanoseconds));
        Assert.Equal((3u, 123_456_789u), (file.Records[1].Seconds, file.Records[1].Nanoseconds));
    }

    [Fact]
    public void Records_hold_the_serialized_frame()
    {
        Packet p = Frame(1448);
        var file = Capture(new PcapOptions(), (p, 1));
        PcapRecord r = Assert.Single(file.Records);
        Assert.Equal(p.Length, r.OriginalLength);
        Assert.Equal(TestPackets.Bytes(p), r.Data);
    }

    [Fact]
    public void Snap_length_truncates_the_data_but_keeps_the_original_length()
    {
        Packet p = Frame(1448);
        var file = Capture(new PcapOptions { SnapLength = 96 }, (p, 1));
        PcapRecord r = Assert.Single(file.Records);
        Assert.Equal(96, r.Data.Length);
        Assert.Equal(p.Length, r.OriginalLength);
        Assert.Equal(TestPackets.Bytes(p)[..96], r.Data);
    }

    [Fact]
    public void Size_cap_stops_the_capture_and_counts_what_was_skipped()
    {
        // Each record: 16 + 14 + 20 + 32 + 100 = 182 bytes. A 24 + 2*182 + 100 byte cap holds two.
        using var stream = new MemoryStream();
        var writer = new PcapWriter(stream, new PcapOptions { MaxFileBytes = 24 + 2 * 182 + 100 }, leaveOpen: true);
        Packet small = Frame(100);
        Packet tiny = TestPackets.Udp(_pool, 0);
        TestPackets.PushEthernet(tiny);
        for (int i = 0; i < 5; i++) writer.Capture(small, i);
        writer.Capture(tiny, 10); // would fit, but the capture has stopped: the file stays a prefix in time
        writer.Dispose();

        Assert.True(writer.Capped);
        Assert.Equal(2, writer.PacketsWritten);
        Assert.Equal(4, writer.PacketsSkipped);
        Assert.Equal(3 * 166 + tiny.Length, writer.BytesSkipped);
        Assert.Equal(24 + 2 * 182, writer.BytesWritten);
        Assert.Equal(writer.BytesWritten, stream.Length);
        Assert.Equal(2, new PcapFileReader(stream.ToArray()).Records.Count);
    }

    [Fact]
    public void L3_packet_on_an_ethernet_capture_gets_a_fabricated_ethernet_header()
    {
        Packet p = TestPackets.TcpData(_pool, 10);
        var file = Capture(new PcapOptions(), (p, 1));
        PcapRecord r = Assert.Single(file.Records);
        Assert.Equal(14 + p.Length, r.OriginalLength);
        Assert.All(r.Data[..12], b => Assert.Equal(0, b));
        Assert.Equal(0x0800, BinaryPrimitives.ReadUInt16BigEndian(r.Data.AsSpan(12)));
        Assert.Equal(TestPackets.Bytes(p), r.Data[14..]);
        Assert.Equal("eth ipv4 tcp", WireFrameParser.Parse(r.Data));
    }

    [Fact]
    public void Raw_ip_capture_strips_the_outer_ethernet()
    {
        Packet framed = Frame(10);
        Packet bare = TestPackets.TcpData(_pool, 10);
        var file = Capture(new PcapOptions { LinkType = PcapLinkType.RawIp }, (framed, 1), (bare, 2));
        Assert.Equal(101u, file.LinkType);
        byte[] ip = TestPackets.Bytes(bare);
        Assert.All(file.Records, r => Assert.Equal(ip, r.Data));
        Assert.All(file.Records, r => Assert.Equal(ip.Length, r.OriginalLength));
    }

    [Fact]
    public void Filter_selects_packets_without_counting_the_rest_as_skipped()
    {
        Packet tcp = Frame(10);
        Packet udp = TestPackets.Udp(_pool, 10);
        TestPackets.PushEthernet(udp);
        var options = new PcapOptions { Filter = static p => p.Has(HeaderKind.Udp) };
        using var stream = new MemoryStream();
        using var writer = new PcapWriter(stream, options, leaveOpen: true);
        writer.Capture(tcp, 1);
        writer.Capture(udp, 2);
        Assert.Equal(1, writer.PacketsWritten);
        Assert.Equal(0, writer.PacketsSkipped);
    }

    [Fact]
    public void Capturing_leaves_the_packet_unchanged()
    {
        Packet p = Frame(100);
        TestPackets.EncapVxlan(p);
        int layers = p.LayerCount, length = p.Length;
        Capture(new PcapOptions(), (p, 1));
        Assert.Equal((layers, length), (p.LayerCount, p.Length));
    }

    [Fact]
    public void Bad_options_and_use_after_dispose_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PcapWriter(new MemoryStream(), new PcapOptions { SnapLength = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PcapWriter(new MemoryStream(), new PcapOptions { MaxFileBytes = 10 }));
        var writer = new PcapWriter(new MemoryStream());
        writer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => writer.Capture(Frame(1), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PcapWriter(new MemoryStream()).Capture(Frame(1), -1));
    }

    [Fact]
    public void Same_packets_give_byte_identical_files()
    {
        byte[] Run()
        {
            var pool = new PacketPool();
            using var stream = new MemoryStream();
            using (var w = new PcapWriter(stream, null, leaveOpen: true))
            {
                for (int i = 0; i < 20; i++)
                {
                    Packet p = PacketSerializerTests.Build(pool, i % 2 == 0 ? "vxlan-tcp" : "udp");
                    w.Capture(p, i * 1_234_567L);
                    pool.Deliver(p);
                }
            }
            return stream.ToArray();
        }
        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void Steady_state_capture_to_a_file_allocates_nothing()
    {
        string path = Path.Combine(Path.GetTempPath(), $"netsim-alloc-{Environment.ProcessId}.pcap");
        try
        {
            Packet big = PacketSerializerTests.Build(_pool, "vxlan-tcp");
            Packet small = PacketSerializerTests.Build(_pool, "icmp");
            Packet l3 = TestPackets.Udp(_pool, 200);
            using var writer = new PcapWriter(path);
            writer.Capture(big, 0); // warm-up: sizes the buffer
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 1; i <= 1000; i++)
            {
                writer.Capture(big, i * 1000L);
                writer.Capture(small, i * 1000L + 1);
                writer.Capture(l3, i * 1000L + 2);
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(0, allocated);
            Assert.Equal(3001, writer.PacketsWritten);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
