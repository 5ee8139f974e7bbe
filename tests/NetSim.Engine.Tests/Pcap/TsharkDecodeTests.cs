using System.Globalization;
using NetSim.Engine.Packets;
using NetSim.Engine.Pcap;
using NetSim.Engine.Tests.Packets;

namespace NetSim.Engine.Tests.Pcap;

/// <summary>Captures written by PcapWriter, decoded by tshark: the bytes are what a real decoder expects.</summary>
public sealed class TsharkDecodeTests : IDisposable
{
    /// <summary>Checksum status as tshark reports it (PROTO_CHECKSUM_E_*): 1 = good, 3 = not present.</summary>
    private const string Good = "1", NotPresent = "3";
    /// <summary>Expert severities from PI_WARN up (warnings and errors; a bad checksum is an error).</summary>
    private const int ExpertWarning = 0x00600000;

    private readonly string _dir = Directory.CreateTempSubdirectory("netsim-pcap-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, PcapOptions? options, params Packet[] packets)
    {
        string path = Path.Combine(_dir, name);
        using var writer = new PcapWriter(path, options);
        // Frame i at i s + i ns + 456 ps: the sub-nanosecond part must be truncated, the nanoseconds kept.
        for (int i = 0; i < packets.Length; i++) writer.Capture(packets[i], i * 1_000_000_000_000L + i * 1000L + 456);
        return path;
    }

    [Fact]
    public void Vxlan_tcp_and_plain_tcp_udp_icmp_decode_with_good_checksums()
    {
        var pool = new PacketPool();
        string pcap = Write("mixed.pcap", null,
            PacketSerializerTests.Build(pool, "vxlan-tcp"),
            PacketSerializerTests.Build(pool, "tcp-data"),
            PacketSerializerTests.Build(pool, "udp"),
            PacketSerializerTests.Build(pool, "icmp"));

        var rows = Tshark.Fields(pcap, "udp.dstport", "vxlan.vni", "tcp.srcport", "tcp.dstport", "ip.src", "ip.dst",
            "tcp.checksum.status", "ip.checksum.status", "udp.checksum.status", "icmp.checksum.status", "_ws.expert.severity", "frame.time_epoch");
        Assert.Equal(4, rows.Count);

        var vxlan = rows[0];
        Assert.Equal("8472", vxlan["udp.dstport"]);
        Assert.Equal("1", vxlan["vxlan.vni"]);
        Assert.Equal("40000", vxlan["tcp.srcport"]);
        Assert.Equal("8080", vxlan["tcp.dstport"]);
        Assert.Equal("192.168.0.10,10.244.1.2", vxlan["ip.src"]);
        Assert.Equal("192.168.0.11,10.244.2.3", vxlan["ip.dst"]);
        Assert.Equal(Good, vxlan["tcp.checksum.status"]);
        Assert.Equal("1,1", vxlan["ip.checksum.status"]);
        Assert.Equal(NotPresent, vxlan["udp.checksum.status"]); // this VXLAN device sends a zero outer UDP checksum (noudpcsum)

        var tcp = rows[1];
        Assert.Equal(("40000", "8080", "10.244.1.2"), (tcp["tcp.srcport"], tcp["tcp.dstport"], tcp["ip.src"]));
        Assert.Equal((Good, Good), (tcp["tcp.checksum.status"], tcp["ip.checksum.status"]));

        var udp = rows[2];
        Assert.Equal("43001", udp["udp.dstport"]);
        Assert.Equal((Good, Good), (udp["udp.checksum.status"], udp["ip.checksum.status"]));

        var icmp = rows[3];
        Assert.Equal("10.244.1.2", icmp["ip.src"]);
        Assert.Equal((Good, Good), (icmp["icmp.checksum.status"], icmp["ip.checksum.status"]));

        Assert.Equal(["0.000000000", "1.000000001", "2.000000002", "3.000000003"], rows.Select(r => r["frame.time_epoch"]));

        AssertNoWarnings(rows);
    }

    [Fact]
    public void Every_header_stack_decodes_as_itself_at_its_modelled_length()
    {
        (string Stack, string Protocols)[] cases =
        [
            ("vxlan-tcp", "eth:ethertype:ip:udp:vxlan:eth:ethertype:ip:tcp"),
            ("vxlan-udp", "eth:ethertype:ip:udp:vxlan:eth:ethertype:ip:udp:data"),
            ("vxlan-icmp-vlan", "eth:ethertype:vlan:ethertype:ip:udp:vxlan:eth:ethertype:ip:icmp:data"),
            ("geneve-tcp", "eth:ethertype:ip:udp:geneve:eth:ethertype:ip:tcp"),
            ("ipip-tcp", "eth:ethertype:ip:ip:tcp"),
            ("gre-tcp", "eth:ethertype:ip:gre:ip:tcp"),
            ("wireguard-tcp", "eth:ethertype:ip:udp:wg"),
            ("esp-tcp", "eth:ethertype:ip:esp"),
            ("tcp-syn", "eth:ethertype:ip:tcp"),
            ("tcp-sack3", "eth:ethertype:ip:tcp"),
            ("tcp-odd-payload", "eth:ethertype:ip:tcp"),
            ("vlan-tcp", "eth:ethertype:vlan:ethertype:ip:tcp"),
            ("udp", "eth:ethertype:ip:udp:data"),
        ];
        var pool = new PacketPool();
        Packet[] packets = [.. cases.Select(c => PacketSerializerTests.Build(pool, c.Stack))];
        string pcap = Write("stacks.pcap", null, packets);

        var rows = Tshark.Fields(pcap, "frame.protocols", "frame.len", "tcp.checksum.status", "ip.checksum.status",
            "udp.checksum.status", "tcp.hdr_len", "_ws.expert.severity", "_ws.malformed");
        Assert.Equal(cases.Length, rows.Count);
        for (int i = 0; i < cases.Length; i++)
        {
            var row = rows[i];
            string because = $"{cases[i].Stack}: {string.Join(' ', row.Select(kv => $"{kv.Key}={kv.Value}"))}";
            Assert.True(cases[i].Protocols == row["frame.protocols"], because);
            Assert.True(packets[i].Length.ToString(CultureInfo.InvariantCulture) == row["frame.len"], because);
            foreach (string field in (string[])["ip.checksum.status", "tcp.checksum.status", "udp.checksum.status"])
                Assert.True(row[field].Split(',', StringSplitOptions.RemoveEmptyEntries).All(v => v is Good or NotPresent), because);
            Assert.True(row["ip.checksum.status"].Length > 0, because);
            if (row["tcp.hdr_len"].Length > 0) Assert.True(packets[i].Tcp.Length.ToString(CultureInfo.InvariantCulture) == row["tcp.hdr_len"], because);
            Assert.True(row["_ws.malformed"].Length == 0, because);
        }
        AssertNoWarnings(rows);
    }

    [Fact]
    public void Outer_udp_checksum_is_zero_or_correct_as_the_tunnel_sent_it()
    {
        // tshark with udp.check_checksum:TRUE: a zero checksum is "not present", a computed one must verify.
        var pool = new PacketPool();
        string pcap = Write("tunnel-csum.pcap", null,
            PacketSerializerTests.Build(pool, "vxlan-tcp"),
            PacketSerializerTests.Build(pool, "vxlancsum-tcp"),
            PacketSerializerTests.Build(pool, "geneve-tcp"));
        var rows = Tshark.Fields(pcap, "udp.checksum", "udp.checksum.status", "tcp.checksum.status", "_ws.expert.severity");
        Assert.Equal(3, rows.Count);
        Assert.Equal(("0x0000", NotPresent), (rows[0]["udp.checksum"], rows[0]["udp.checksum.status"]));
        Assert.NotEqual("0x0000", rows[1]["udp.checksum"]);
        Assert.Equal(Good, rows[1]["udp.checksum.status"]);
        Assert.Equal(("0x0000", NotPresent), (rows[2]["udp.checksum"], rows[2]["udp.checksum.status"]));
        Assert.All(rows, r => Assert.Equal(Good, r["tcp.checksum.status"]));
        AssertNoWarnings(rows);
    }

    [Fact]
    public void Syn_options_decode_as_linux_sends_them()
    {
        var pool = new PacketPool();
        string pcap = Write("syn.pcap", null, PacketSerializerTests.Build(pool, "tcp-syn"));
        var row = Assert.Single(Tshark.Fields(pcap, "tcp.option_kind", "tcp.options.mss_val", "tcp.options.wscale.shift", "tcp.options.timestamp.tsval"));
        Assert.Equal("2,4,8,1,3", row["tcp.option_kind"]); // MSS, SACK-permitted, timestamps, NOP, window scale
        Assert.Equal("1460", row["tcp.options.mss_val"]);
        Assert.Equal("7", row["tcp.options.wscale.shift"]);
        Assert.Equal("42", row["tcp.options.timestamp.tsval"]);
    }

    [Fact]
    public void L3_captures_decode_both_as_raw_ip_and_with_a_fabricated_ethernet_header()
    {
        var pool = new PacketPool();
        Packet bare = TestPackets.TcpData(pool, 100);
        string raw = Write("raw.pcap", new PcapOptions { LinkType = PcapLinkType.RawIp }, bare, PacketSerializerTests.Build(pool, "tcp-data"));
        string fabricated = Write("fabricated.pcap", null, bare);

        var rawRows = Tshark.Fields(raw, "frame.protocols", "tcp.checksum.status", "ip.src");
        Assert.All(rawRows, r => Assert.Equal(("raw:ip:tcp", Good, "10.244.1.2"), (r["frame.protocols"], r["tcp.checksum.status"], r["ip.src"])));
        var row = Assert.Single(Tshark.Fields(fabricated, "frame.protocols", "frame.len", "tcp.checksum.status"));
        Assert.Equal(("eth:ethertype:ip:tcp", (bare.Length + 14).ToString(CultureInfo.InvariantCulture), Good),
            (row["frame.protocols"], row["frame.len"], row["tcp.checksum.status"]));
    }

    private static void AssertNoWarnings(List<Dictionary<string, string>> rows)
    {
        foreach (var row in rows)
            foreach (string s in row["_ws.expert.severity"].Split(',', StringSplitOptions.RemoveEmptyEntries))
                Assert.True(int.Parse(s, CultureInfo.InvariantCulture) < ExpertWarning, $"tshark reported an expert warning or error (severity 0x{int.Parse(s, CultureInfo.InvariantCulture):x})");
    }
}
