using NetSim.Engine.Addressing;
using NetSim.Engine.Nics;
using NetSim.Engine.Packets;
using static NetSim.Engine.Tests.Links.LinkTestKit;

namespace NetSim.Engine.Tests.Nics;

public class RssTests
{
    // The verification table of Microsoft's RSS specification ("Verifying the RSS Hash Calculation"), default key:
    // destination, source, IPv4-only hash, IPv4 with TCP ports hash.
    [Theory]
    [InlineData("161.142.100.80", 1766, "66.9.149.187", 2794, 0x323e8fc2u, 0x51ccc178u)]
    [InlineData("65.69.140.83", 4739, "199.92.111.2", 14230, 0xd718262au, 0xc626b0eau)]
    [InlineData("12.22.207.184", 38024, "24.19.198.95", 12898, 0xd2d0a5deu, 0x5c2b394au)]
    [InlineData("209.142.163.6", 2217, "38.27.205.30", 48228, 0x82989176u, 0xafc7327fu)]
    [InlineData("202.188.127.2", 1303, "153.39.163.191", 44251, 0x5d1809c5u, 0x10e828a2u)]
    public void Toeplitz_matches_the_rss_specification_vectors(string dst, int dport, string src, int sport, uint ipOnly, uint withPorts)
    {
        var s = Ipv4Address.Parse(src);
        var d = Ipv4Address.Parse(dst);
        var tcp = new FlowTuple(s, d, Ipv4Header.ProtocolTcp, (ushort)sport, (ushort)dport);
        var icmp = new FlowTuple(s, d, Ipv4Header.ProtocolIcmp, 0, 0);
        Assert.Equal(withPorts, ToeplitzHash.Default.Compute(tcp));
        Assert.Equal(ipOnly, ToeplitzHash.Default.Compute(icmp));

        Span<byte> bytes = stackalloc byte[12];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, s.Value);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes[4..], d.Value);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(bytes[8..], (ushort)sport);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(bytes[10..], (ushort)dport);
        Assert.Equal(withPorts, ToeplitzHash.Default.Compute(bytes));
        Assert.Equal(ipOnly, ToeplitzHash.Default.Compute(bytes[..8]));
    }

    [Fact]
    public void Rss_spreads_flows_over_rx_queues_and_their_cores()
    {
        var rig = new NicRig(specB: new NicSpec { Mac = MacB, RxQueues = 4 }, coresB: 4);
        var expected = new int[4];
        for (ushort port = 1; port <= 64; port++)
        {
            Packet p = UdpFrame(rig.Pool, 100, MacA, MacB, sourcePort: port);
            expected[rig.NicB.RxQueueFor(p)]++;
            rig.NicA.Receive(p);
        }
        rig.Sim.Run();

        Assert.Equal(expected, rig.NicB.RxQueues.Select(q => (int)q.Frames));
        Assert.All(expected, n => Assert.InRange(n, 6, 30)); // 16 expected each
        var perCore = rig.Sink.Received.GroupBy(r => r.Core).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(expected, Enumerable.Range(0, 4).Select(c => perCore.GetValueOrDefault(c)));
    }

    [Fact]
    public void Rss_sees_the_outer_headers_of_a_tunnelled_packet()
    {
        var rig = new NicRig(specB: new NicSpec { Mac = MacB, RxQueues = 8 }, coresB: 8);
        var outerSrc = Ipv4Address.Parse("192.168.0.1");
        var outerDst = Ipv4Address.Parse("192.168.0.2");
        Packet Tunnelled(ushort innerPort, ushort outerPort)
        {
            Packet p = TcpPacket(rig.Pool, 100, 0, sourcePort: innerPort);
            Vxlan(p, outerPort, outerSrc, outerDst);
            return p;
        }

        // Different inner flows in the same outer flow: one queue, whatever the inner ports.
        var sameOuter = Enumerable.Range(1, 32).Select(i => rig.NicB.RxQueueFor(Tunnelled((ushort)(1000 + i), 50000))).Distinct();
        Assert.Single(sameOuter);
        // The VXLAN source port (derived from the inner flow hash) is what spreads tunnelled flows.
        var byOuterPort = Enumerable.Range(1, 32).Select(i => rig.NicB.RxQueueFor(Tunnelled(1000, (ushort)(49152 + i)))).Distinct();
        Assert.True(byOuterPort.Count() >= 6);
    }

    [Fact]
    public void Irq_affinity_and_the_indirection_table_steer_queues_to_cores()
    {
        var rig = new NicRig(specB: new NicSpec { Mac = MacB, RxQueues = 2 }, coresB: 4);
        rig.NicB.SetIndirectionTable(Enumerable.Repeat(1, Nic.IndirectionTableSize).ToArray());
        rig.NicB.SetRxQueueCore(1, 3);
        for (ushort port = 1; port <= 10; port++) rig.NicA.Receive(UdpFrame(rig.Pool, 100, MacA, MacB, sourcePort: port));
        rig.Sim.Run();
        Assert.All(rig.Sink.Received, r => Assert.Equal(3, r.Core));
        Assert.Equal(10, rig.NicB.RxQueues[1].Frames);
    }
}
