using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Engine.Links;
using NetSim.Engine.Nics;
using NetSim.Engine.Packets;
using NetSim.Engine.Switching;
using NetSim.Engine.Tests.Links;
using static NetSim.Engine.Tests.Links.LinkTestKit;

namespace NetSim.Engine.Tests.Nics;

/// <summary>
/// An SR-IOV NIC's embedded switch: a frame between two functions of the NIC is looped inside it (never on the wire),
/// only within one VLAN; other frames leave by the physical port; from the wire a frame goes to its function, unknown
/// unicast to the PF; the spoof check drops a VF's forged source; max_tx_rate paces a VF's frames at exactly its rate; a
/// VF's VLAN is an 802.1Q tag on the wire only; link_state drops what a down VF would send or receive; min_tx_rate is
/// refused by a NIC whose driver has none.
/// </summary>
public class EmbeddedSwitchTests
{
    private static readonly MacAddress Pf = MacAddress.LocallyAdministered(0x10), Vf0 = MacAddress.LocallyAdministered(0x20), Vf1 = MacAddress.LocallyAdministered(0x21);

    private sealed class SriovNic
    {
        private readonly List<Link> _links = new();

        public SriovNic(long latencyNs = 300, bool minRate = false)
        {
            Eswitch = new EmbeddedSwitch(Sim, Pool, "eswitch", new SwitchSpec { ForwardingLatency = SimTime.FromNanoseconds(latencyNs) }, 1 << 20)
            { SupportsMinTxRate = minRate };
            Wire = Plug(e => Eswitch.AddUplink(e));
            foreach (var mac in new[] { Pf, Vf0, Vf1 }) Functions.Add(Plug(e => Eswitch.AddFunction(e, mac)));
        }

        public Simulator Sim { get; } = new();
        public PacketPool Pool { get; } = new();
        public EmbeddedSwitch Eswitch { get; }
        public RecordingEndpoint Wire { get; }
        /// <summary>The PF, VF 0, VF 1.</summary>
        public List<RecordingEndpoint> Functions { get; } = new();

        private RecordingEndpoint Plug(Action<LinkEnd> port)
        {
            var link = new Link(Sim, Pool, new LinkSpec { RateBitsPerSecond = 100 * Gbps }, $"l{_links.Count}");
            var host = new RecordingEndpoint(Sim, Pool);
            link.A.Attach(host);
            port(link.B);
            _links.Add(link);
            return host;
        }

        /// <summary>Sends from function <paramref name="fn"/> (0 the PF) or, with -1, from the wire.</summary>
        public void Send(int fn, MacAddress src, MacAddress dst, int length = 1514, ushort vlan = 0)
        {
            var frame = UdpFrame(Pool, length, src, dst);
            frame.Ethernet.VlanId = vlan;
            _links[fn + 1].A.Transmit(frame);
        }

        /// <summary>The physical port loses carrier (a pulled cable).</summary>
        public void CutWire() => _links[0].LoseCarrier(DropReason.LinkDown);

        public ConservationReport Conservation() =>
            PacketConservation.Check(Sim, Pool, _links.Select(l => l.A.Outbound).Concat(Eswitch.Holders));
    }

    [Fact]
    public void Vf_to_vf_is_looped_inside_the_nic_and_other_frames_leave_by_the_wire()
    {
        var nic = new SriovNic();
        nic.Send(1, Vf0, Vf1);
        nic.Send(1, Vf0, MacB);
        nic.Sim.Run();
        Assert.Single(nic.Functions[2].Arrivals);
        Assert.Single(nic.Wire.Arrivals);
        Assert.Equal(1, nic.Eswitch.Looped);
        // 1514 B at 100 Gbit/s in (126.08 ns with preamble and gap... as the link computes), 300 ns of switch, the same out.
        long ser = EthernetFraming.SerializationPs(EthernetFraming.WireBytes(1514), 100 * Gbps);
        Assert.Equal(2 * ser + 300_000, nic.Functions[2].Arrivals[0].At);
        Assert.True(nic.Conservation().Holds);
    }

    [Fact]
    public void Vfs_in_different_vlans_do_not_meet_inside_the_nic()
    {
        var nic = new SriovNic();
        nic.Eswitch.Configure(3, new VfSettings { Mac = Vf1, Vlan = 100 });
        nic.Send(1, Vf0, Vf1);
        nic.Sim.Run();
        Assert.Empty(nic.Functions[2].Arrivals);
        Assert.Single(nic.Wire.Arrivals);
        Assert.Equal(0, nic.Eswitch.Looped);
    }

    [Fact]
    public void From_the_wire_frames_go_to_their_function_and_unknown_unicast_to_the_pf()
    {
        var nic = new SriovNic();
        nic.Send(-1, MacA, Vf0);
        nic.Send(-1, MacA, MacAddress.LocallyAdministered(0x99));
        nic.Sim.Run();
        Assert.Single(nic.Functions[1].Arrivals);
        Assert.Single(nic.Functions[0].Arrivals);
    }

    [Fact]
    public void The_spoof_check_drops_a_vfs_forged_source_unless_turned_off()
    {
        var nic = new SriovNic();
        nic.Send(1, MacA, MacB);
        nic.Sim.Run();
        Assert.Empty(nic.Wire.Arrivals);
        Assert.Equal(1, nic.Pool.Dropped(DropReason.PolicyDenied));
        nic.Eswitch.Configure(2, new VfSettings { Mac = Vf0, SpoofCheck = false });
        nic.Send(1, MacA, MacB);
        nic.Sim.Run();
        Assert.Single(nic.Wire.Arrivals);
    }

    [Fact]
    public void Max_tx_rate_paces_a_vf_at_exactly_its_rate()
    {
        var nic = new SriovNic(latencyNs: 0);
        nic.Eswitch.Configure(2, new VfSettings { Mac = Vf0, MaxTxRateBps = 1 * Gbps });
        for (int i = 0; i < 10; i++) nic.Send(1, Vf0, MacB);
        nic.Sim.Run();
        var at = nic.Wire.Arrivals.Select(a => a.At).ToList();
        long paced = EthernetFraming.SerializationPs(EthernetFraming.WireBytes(1514), 1 * Gbps);
        // Back to back on the 100 Gbit/s path, the frames leave the rate limiter one 1 Gbit/s frame time apart.
        for (int i = 1; i < at.Count; i++) Assert.Equal(paced, at[i] - at[i - 1]);
        Assert.Equal(9, nic.Eswitch.Paced);
        Assert.True(nic.Conservation().Holds);
    }

    private sealed class TagTap : IPacketTap
    {
        public List<(ushort Vlan, byte Priority, int Length)> Frames { get; } = new();

        public void Capture(Packet packet, long timePs) => Frames.Add((packet.Ethernet.VlanId, packet.Ethernet.VlanPriority, packet.Length));
    }

    [Fact]
    public void A_vf_vlan_is_an_8021q_tag_on_the_wire_and_never_seen_by_the_vf()
    {
        var nic = new SriovNic();
        var tap = new TagTap();
        nic.Eswitch.UplinkTap = tap;
        nic.Eswitch.Configure(2, new VfSettings { Mac = Vf0, Vlan = 1000, VlanQos = 4 });
        nic.Send(1, Vf0, MacB);
        nic.Send(-1, MacA, Vf0, vlan: 1000);
        nic.Send(-1, MacA, Vf0); // untagged: no function of VLAN 0 owns Vf0
        nic.Send(-1, MacA, Vf0, vlan: 7); // another VLAN's frame
        nic.Sim.Run();
        Assert.Equal(1518, Assert.Single(nic.Wire.Arrivals).Length); // 1514 + the 4-byte tag
        Assert.Equal((ushort)1000, tap.Frames[0].Vlan);
        Assert.Equal((byte)4, tap.Frames[0].Priority);
        Assert.Equal(1, nic.Eswitch.Tagged);
        Assert.Equal(1514, Assert.Single(nic.Functions[1].Arrivals).Length); // stripped on the way in
        Assert.Equal(2, nic.Pool.Dropped(DropReason.NoForwardingEntry));
        Assert.True(nic.Conservation().Holds);
    }

    [Fact]
    public void A_disabled_vf_neither_sends_nor_receives()
    {
        var nic = new SriovNic();
        nic.Eswitch.Configure(3, new VfSettings { Mac = Vf1, LinkState = VfLinkState.Disable });
        nic.Send(1, Vf0, Vf1);
        nic.Send(2, Vf1, MacB);
        nic.Send(-1, MacA, Vf1);
        nic.Sim.Run();
        Assert.Empty(nic.Functions[2].Arrivals);
        Assert.Empty(nic.Wire.Arrivals);
        Assert.Equal(3, nic.Pool.Dropped(DropReason.LinkDown));
    }

    [Fact]
    public void Without_carrier_auto_vfs_go_down_and_enabled_ones_still_meet_inside_the_nic()
    {
        var nic = new SriovNic();
        nic.CutWire();
        nic.Send(1, Vf0, Vf1); // both auto: down with the port
        nic.Sim.Run();
        Assert.Empty(nic.Functions[2].Arrivals);
        Assert.Equal(1, nic.Pool.Dropped(DropReason.LinkDown));
        nic.Eswitch.Configure(2, new VfSettings { Mac = Vf0, LinkState = VfLinkState.Enable });
        nic.Eswitch.Configure(3, new VfSettings { Mac = Vf1, LinkState = VfLinkState.Enable });
        nic.Send(1, Vf0, Vf1);
        nic.Sim.Run();
        Assert.Single(nic.Functions[2].Arrivals);
    }

    [Fact]
    public void Min_tx_rate_is_refused_unless_the_driver_implements_it()
    {
        var settings = new VfSettings { Mac = Vf0, MinTxRateBps = 100_000_000, MaxTxRateBps = 200_000_000 };
        Assert.Throws<NotSupportedException>(() => new SriovNic().Eswitch.Configure(2, settings));
        var mlx5 = new SriovNic(minRate: true);
        mlx5.Eswitch.Configure(2, settings);
        Assert.Equal(100_000_000, mlx5.Eswitch.SettingsOf(2).MinTxRateBps);
    }
}
