using System.Buffers.Binary;
using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Simulation;
using NetSim.Topologies.Tests.Build;
using NetSim.Traffic.Dns;
using Xunit;

namespace NetSim.Topologies.Tests.Dns;

/// <summary>DNS over TCP: CoreDNS's truncation of UDP answers, glibc's fallback to TCP, and options use-vc, seen on the wire.</summary>
public sealed class DnsOverTcpTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "netsim-dnstcp-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, true);
    }

    private static DnsAnswer As(int n) => new(null, Enumerable.Range(1, n).Select(i => new Ipv4Address(0x0A000000u + (uint)i)).ToArray(), 5);

    [Theory]
    [InlineData(1)]
    [InlineData(28)]
    [InlineData(29)]
    [InlineData(100)]
    public void Answer_sizes_follow_RFC_1035_wire_format(int records)
    {
        const string q = "shards.default.svc.cluster.local"; // 32 characters: 34 bytes as labels
        int question = 34 + 4;
        Assert.Equal(12 + question, DnsMessage.QueryBytes(q));
        var answer = As(records);
        // Compressed: each A record is a 2-byte pointer to the question's name, TYPE, CLASS, TTL, RDLENGTH, 4 bytes.
        Assert.Equal(16 * records, answer.Bytes);
        // Uncompressed: the owner name written out (34) + 10 + 4 per record.
        Assert.Equal(48 * records, answer.UncompressedBytes(q));
        var (udp, tc) = DnsScrub.Reply(q, answer, DnsMessage.MaxUdpBytes);
        if (12 + question + 48 * records <= 512)
            Assert.Equal((12 + question + 48 * records, false), (udp, tc)); // fits written out: CoreDNS does not compress
        else if (12 + question + 16 * records <= 512)
            Assert.Equal((12 + question + 16 * records, false), (udp, tc));
        else
            Assert.Equal((12 + question + 16 * ((512 - 12 - question) / 16), true), (udp, tc)); // the 28 records that fit, TC
        var (tcp, tcpTc) = DnsScrub.Reply(q, answer, DnsMessage.MaxTcpBytes);
        Assert.False(tcpTc);
        Assert.Equal(12 + question + 48 * records, tcp); // 64 KB: written out
    }

    [Fact]
    public void The_TC_bit_survives_the_message_tag()
    {
        var m = new DnsMessage(7, true, false, DnsRcode.NoError, 3, 9) { Truncated = true };
        Assert.Equal(m, DnsMessage.Decode(m.Encode()));
        Assert.False(DnsMessage.Decode((m with { Truncated = false }).Encode()).Truncated);
    }

    private const string Yaml = """
        name: dns-tcp
        seed: 5
        duration: 2s
        cluster: { nodes: { count: 2 }, nic: { rate: 10Gbps } }
        cni: { datapath: flannel-vxlan }
        dns: { replicas: 1 }
        workloads:
          - { name: client, placement: pinned, nodes: [node1] }
          - { name: shards, replicas: 30, placement: pinned, nodes: [node2], ports: [{ name: http, port: 8080 }] }
        services:
          - { name: shards, type: Headless, selector: { app: shards }, ports: [{ port: 8080 }] }
        traffic:
          - { name: lookups, kind: dns, from: pod:client, to: "dns:shards.default.svc.cluster.local.", interval: 200ms, count: 3 }
        """;

    private (RunResult Result, List<(bool Udp, int SourcePort, int DestinationPort, int Payload, byte Flags)> Packets) Run(params string[] sets)
    {
        string dir = Path.Combine(_dir, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var r = new ClusterSimulation().Run(ScenarioLoader.Parse(Yaml, "dns-tcp.yaml", sets), ClusterSimulationTests.Profile(), null,
            RunOptions.Default with { PcapPattern = "node1/pod/client-0/eth0", PcapDirectory = dir });
        return (r, Read(Path.Combine(dir, "node1_pod_client-0_eth0.pcap")));
    }

    /// <summary>The client's frames in order: UDP or TCP, ports, transport payload length, TCP flags.</summary>
    private static List<(bool Udp, int SourcePort, int DestinationPort, int Payload, byte Flags)> Read(string pcap)
    {
        byte[] b = File.ReadAllBytes(pcap);
        var list = new List<(bool, int, int, int, byte)>();
        for (int at = 24; at + 16 <= b.Length;)
        {
            int captured = (int)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at + 8));
            var frame = b.AsSpan(at + 16, captured);
            at += 16 + captured;
            if (BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) != 0x0800) continue;
            var ip = frame[14..];
            int ihl = (ip[0] & 0xF) * 4, total = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
            var l4 = ip[ihl..];
            int sport = BinaryPrimitives.ReadUInt16BigEndian(l4), dport = BinaryPrimitives.ReadUInt16BigEndian(l4[2..]);
            if (ip[9] == 17) list.Add((true, sport, dport, total - ihl - 8, 0));
            else if (ip[9] == 6) list.Add((false, sport, dport, total - ihl - (l4[12] >> 4) * 4, l4[13]));
        }
        return list;
    }

    private const byte Syn = 0x02, Ack = 0x10;

    [Fact]
    public void A_truncated_UDP_answer_sends_the_resolver_to_TCP_port_53()
    {
        var (r, packets) = Run();
        // 12 + 38 + 28 × 16: the records that fit in 512 bytes, with TC.
        int tc = packets.FindIndex(p => p.Udp && p.SourcePort == 53 && p.Payload == 12 + 38 + 28 * 16);
        Assert.True(tc >= 0, "no truncated answer on the wire");
        int syn = packets.FindIndex(p => !p.Udp && p.DestinationPort == 53 && p.Flags == Syn);
        Assert.True(syn > tc, $"the SYN to port 53 (frame {syn}) must follow the truncated answer (frame {tc})");
        // Over TCP the whole answer comes back written out, after its 2-byte length: 2 + 12 + 38 + 30 × 48.
        Assert.Contains(packets.Skip(syn), p => !p.Udp && p.SourcePort == 53 && p.Payload >= 2 + 12 + 38 + 30 * 48);
        var app = r.Groups.Single().Application;
        Assert.Equal(3, app.Transactions);
        Assert.Equal(0, app.DnsTimeouts);
    }

    [Fact]
    public void Use_vc_sends_no_DNS_over_UDP_and_a_connection_per_lookup()
    {
        var (r, packets) = Run("dns.use_vc=true");
        Assert.DoesNotContain(packets, p => p.Udp && (p.SourcePort == 53 || p.DestinationPort == 53));
        Assert.Equal(3, packets.Count(p => !p.Udp && p.DestinationPort == 53 && p.Flags == Syn)); // one name per lookup (fully qualified)
        Assert.Equal(3, packets.Count(p => !p.Udp && p.DestinationPort == 53 && (p.Flags & 0x01) != 0)); // and the client's FIN after it
        Assert.Equal(3, r.Groups.Single().Application.Transactions);
    }

    [Fact]
    public void The_TCP_fallback_costs_a_handshake_more_than_use_vc_alone()
    {
        // A fallback pays the UDP round trip and then the TCP one; use-vc pays only the TCP one.
        var fallback = Run().Result.Groups.Single().Application.DnsLatency!;
        var vc = Run("dns.use_vc=true").Result.Groups.Single().Application.DnsLatency!;
        Assert.True(fallback.P50Ps > vc.P50Ps, $"fallback {fallback.P50Ps} ps, use-vc {vc.P50Ps} ps");
    }
}
