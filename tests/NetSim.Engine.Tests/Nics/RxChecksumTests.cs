using NetSim.Engine.Nics;
using NetSim.Engine.Packets;
using NetSim.Engine.Tests.Packets;
using static NetSim.Engine.Tests.Links.LinkTestKit;

namespace NetSim.Engine.Tests.Nics;

/// <summary>
/// The receive checksum rule: a UDP tunnel's inner checksum is free when the NIC verified a non-zero outer checksum
/// (GRO converts it to CHECKSUM_COMPLETE), parses the tunnel, or hands up CHECKSUM_COMPLETE; with a zero outer checksum
/// on a NIC that does neither, the receiving core verifies it in software, a pass over every byte. And udp_gro_receive
/// before Linux 5.12: a zero-checksum tunnel frame whose inner checksum the NIC did not verify is not merged.
/// </summary>
public class RxChecksumTests
{
    private const NicOffloads OuterOnly = NicOffloads.Checksum | NicOffloads.Tso | NicOffloads.Gro;
    private const long PsPerByte = 2; // checksum.software in the rig: 2 ps per byte

    private readonly PacketPool _pool = new();

    private static Packet VxlanSegment(PacketPool pool, bool zeroChecksum, uint seq = 1000, int payload = 1398)
    {
        Packet p = TestPackets.TcpData(pool, payload);
        p.Layer(0).Tcp.Flags = TcpFlags.Ack;
        p.Layer(0).Tcp.SequenceNumber = seq;
        TestPackets.EncapVxlan(p);
        p.Udp.ZeroChecksum = zeroChecksum;
        return p;
    }

    /// <summary>CPU the receiving node spends on one VXLAN frame, and the frame's length on the wire.</summary>
    private static (long Cpu, int Frame) ReceiveOne(NicOffloads receiver, bool zeroChecksum)
    {
        var rig = new NicRig(specB: new NicSpec { Mac = MacB, Offloads = receiver }, checksumFsPerByte: PsPerByte * 1000);
        rig.NicA.Receive(VxlanSegment(rig.Pool, zeroChecksum));
        rig.Sim.Run();
        Assert.Single(rig.Sink.Received);
        return (rig.CpuB, rig.TapB.Frames.Single().Length);
    }

    [Fact]
    public void A_zero_checksum_VXLAN_frame_costs_a_software_checksum_per_byte_on_a_NIC_that_does_not_parse_VXLAN()
    {
        var (cpu, frame) = ReceiveOne(OuterOnly, zeroChecksum: true);
        Assert.Equal(NicRig.ReceiveNs * 1000 + PsPerByte * frame, cpu);
    }

    [Theory]
    [InlineData(OuterOnly, false)] // the NIC verified the outer checksum: converted, the inner one is covered
    [InlineData(OuterOnly | NicOffloads.TunnelRxChecksum, true)] // the NIC parses VXLAN: csum_level 1
    [InlineData(OuterOnly | NicOffloads.RxChecksumComplete, true)] // CHECKSUM_COMPLETE covers the inner checksum
    public void The_inner_checksum_is_free_when_the_outer_one_is_verified_or_the_NIC_covers_it(NicOffloads receiver, bool zeroChecksum)
    {
        var (cpu, _) = ReceiveOne(receiver, zeroChecksum);
        Assert.Equal(NicRig.ReceiveNs * 1000, cpu);
    }

    [Fact]
    public void Without_rx_checksumming_every_frame_is_checked_in_software_whatever_the_tunnel_sends()
    {
        var (cpu, frame) = ReceiveOne(NicOffloads.Tso | NicOffloads.Gro, zeroChecksum: false);
        Assert.Equal(NicRig.ReceiveNs * 1000 + PsPerByte * frame, cpu);
    }

    [Fact]
    public void Ciphertext_is_left_to_the_decrypting_stage_and_plain_frames_to_the_NIC()
    {
        Packet esp = TestPackets.TcpData(_pool, 1000);
        TestPackets.EncapEsp(esp);
        Assert.False(RxChecksum.NeedsSoftware(esp, OuterOnly));
        Packet wg = TestPackets.TcpData(_pool, 1000);
        TestPackets.EncapWireGuard(wg);
        Assert.False(RxChecksum.NeedsSoftware(wg, OuterOnly));
        Assert.False(RxChecksum.NeedsSoftware(TestPackets.TcpData(_pool, 1000), OuterOnly));
        Packet ipip = TestPackets.TcpData(_pool, 1000);
        TestPackets.EncapIpip(ipip); // no outer L4 checksum to convert: only a NIC that parses IPIP covers it
        Assert.True(RxChecksum.NeedsSoftware(ipip, OuterOnly));
        Assert.False(RxChecksum.NeedsSoftware(ipip, OuterOnly | NicOffloads.TunnelRxChecksum));
    }

    [Theory]
    [InlineData(OuterOnly, false, true, false)] // Linux 4.15, 82599-class NIC, zero checksum: refused
    [InlineData(OuterOnly, true, true, true)] // Linux 5.12+: merged (the inner checksum still in software)
    [InlineData(OuterOnly, false, false, true)] // a checksummed tunnel: merged on any kernel
    [InlineData(OuterOnly | NicOffloads.TunnelRxChecksum, false, true, true)] // the NIC verified the inner checksum
    [InlineData(OuterOnly | NicOffloads.RxChecksumComplete, false, true, true)]
    public void Udp_gro_receive_merges_a_zero_checksum_tunnel_only_when_its_checksum_state_is_known(
        NicOffloads offloads, bool kernelFix, bool zeroChecksum, bool merged)
    {
        var gro = new GroTable { Offloads = offloads, ZeroChecksumTunnelGro = kernelFix };
        var napi = new Napi();
        Packet first = VxlanSegment(_pool, zeroChecksum, seq: 1000), second = VxlanSegment(_pool, zeroChecksum, seq: 2398);
        gro.Receive(first, 0, 65535, napi);
        gro.Receive(second, 0, 65535, napi);
        gro.Flush(0, napi);
        Assert.Equal(merged ? 1 : 2, napi.Up.Count);
        Assert.Equal(merged ? 1 : 0, napi.Merges);
        Assert.All(napi.Up, p => Assert.Equal(!merged, p.GroRefused)); // refused frames are merged later, in the tunnel's gro_cells
    }

    [Fact]
    public void A_tunnel_under_ESP_is_ciphertext_to_the_NIC_and_not_refused_as_a_tunnel()
    {
        Packet p = VxlanSegment(_pool, zeroChecksum: true);
        TestPackets.EncapEsp(p); // Weave with a password: ESP in transport mode around the VXLAN packet
        Assert.True(RxChecksum.TunnelGroAllowed(p, OuterOnly, zeroChecksumGro: false));
        Assert.False(RxChecksum.HasOuterUdpChecksum(p));
    }

    [Fact]
    public void Every_frame_of_a_refused_tunnel_is_marked_so_its_gro_cells_keeps_the_order()
    {
        var gro = new GroTable { Offloads = OuterOnly, ZeroChecksumTunnelGro = false };
        var napi = new Napi();
        Packet ack = VxlanSegment(_pool, zeroChecksum: true, payload: 0); // a pure ACK is no GRO candidate
        gro.Receive(ack, 0, 65535, napi);
        Assert.True(Assert.Single(napi.Up).GroRefused);
    }

    [Fact]
    public void Segments_with_and_without_an_outer_checksum_are_not_one_flow()
    {
        Packet a = VxlanSegment(_pool, zeroChecksum: true), b = VxlanSegment(_pool, zeroChecksum: false, seq: 2398);
        Assert.False(GroTable.SameFlow(a, b));
    }

    private sealed class Napi : IGroNapi
    {
        public List<Packet> Up { get; } = new();
        public int Merges { get; private set; }

        public long ChargeMerge(Packet segment)
        {
            Merges++;
            return 0;
        }

        void IGroNapi.Up(Packet packet, long atPs) => Up.Add(packet);
    }
}
