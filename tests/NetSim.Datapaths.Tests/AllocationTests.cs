using NetSim.Datapaths.Conntrack;
using NetSim.Datapaths.Namespaces;
using NetSim.Datapaths.Netfilter;
using NetSim.Datapaths.Tests.Fixtures;
using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Engine.Elements;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Tests;

public class AllocationTests
{
    /// <summary>A self-clocked UDP source: one packet per interval, rented from the pool (no allocation in steady state).</summary>
    private sealed class UdpSource(TestBed bed, NetworkNamespace ns, Ipv4Address dst, long intervalPs) : IEventTarget
    {
        public int Remaining;

        public void OnEvent(in SimEvent ev)
        {
            Packet p = bed.Pool.Rent();
            p.PayloadLength = 1000;
            ref UdpHeader u = ref p.PushUdp();
            u.SourcePort = 40000;
            u.DestinationPort = 53;
            ref Ipv4Header ip = ref p.PushIpv4();
            ip.Destination = dst;
            ip.Protocol = Ipv4Header.ProtocolUdp;
            bed.Sim.ScheduleAtPicoseconds(bed.Sim.NowPicoseconds, ns.LocalOut, EventKinds.PacketArrival, 0, p, ns.Node.Id);
            if (--Remaining > 0) bed.Sim.Schedule(new SimTime(intervalPs), this, EventKinds.Application);
        }
    }

    private sealed class Discard(NodeContext node) : PacketElement(node, "discard")
    {
        public long Count;

        public override void Receive(Packet packet)
        {
            Count++;
            Node.Pool.Deliver(packet);
        }
    }

    [Fact]
    public void Established_traffic_through_rules_conntrack_and_NAT_allocates_nothing()
    {
        var bed = new TestBed();
        var t = Topologies.ClientRouterServer(bed);
        t.Host.Netfilter.Nat.Builtin(NfInetHook.PreRouting).Append(new IptRule
        {
            Destination = Ipv4Prefix.Parse("10.96.0.10/32"), Protocol = Ipv4Header.ProtocolUdp, Target = new DnatTarget(Ipv4Address.Parse("10.0.1.2"), 5353),
        });
        IptChain fwd = t.Host.Netfilter.Filter.Builtin(NfInetHook.Forward);
        for (int i = 0; i < 20; i++)
            fwd.Append(new IptRule { Destination = Ipv4Prefix.Parse($"172.16.{i}.0/24"), InInterface = "eth+", Target = StandardTarget.Drop });
        fwd.Append(new IptRule { Matches = [new ConntrackStateMatch(CtState.Established | CtState.New)], Target = StandardTarget.Accept });
        var discard = new Discard(t.Node);
        t.Server.RegisterProtocol(Ipv4Header.ProtocolUdp, discard);
        var source = new UdpSource(bed, t.Client, Ipv4Address.Parse("10.96.0.10"), SimTime.FromMicroseconds(20).Picoseconds);

        source.Remaining = 2000; // warm up: ARP, conntrack entry, pools, event arrays
        bed.Sim.Schedule(SimTime.Zero, source, EventKinds.Application);
        bed.Run();
        source.Remaining = 20000;
        bed.Sim.Schedule(SimTime.Zero, source, EventKinds.Application);
        long before = GC.GetAllocatedBytesForCurrentThread();
        bed.Run();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(22000, discard.Count);
        Assert.Equal(1, t.Host.Conntrack.Count);
        Assert.Equal(0, allocated);
        bed.AssertConservation();
    }

    [Theory]
    [InlineData(Overlay.HostGw)]
    [InlineData(Overlay.Vxlan)]
    [InlineData(Overlay.Ipip)]
    [InlineData(Overlay.WireGuard)]
    public void Pod_to_pod_traffic_over_bridges_and_tunnels_allocates_nothing(Overlay overlay)
    {
        var bed = new TestBed();
        Cluster c = Topologies.TwoNodes(bed, overlay);
        c.Wire.Record = false;
        var discard = new Discard(c.N2.Node);
        c.N2.Pods[0].RegisterProtocol(Ipv4Header.ProtocolUdp, discard);
        var source = new UdpSource(bed, c.N1.Pods[0], Ipv4Address.Parse("10.244.2.2"), SimTime.FromMicroseconds(20).Picoseconds);
        source.Remaining = 2000;
        bed.Sim.Schedule(SimTime.Zero, source, EventKinds.Application);
        bed.RunUntil(SimTime.FromMilliseconds(100).Picoseconds);
        source.Remaining = 20000;
        bed.Sim.Schedule(SimTime.Zero, source, EventKinds.Application);
        long before = GC.GetAllocatedBytesForCurrentThread();
        bed.RunUntil(SimTime.FromMilliseconds(600).Picoseconds); // not Run(): the bridges' FDB ageing would fire at 300 s
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(22000, discard.Count);
        Assert.Equal(0, allocated);
        bed.AssertConservation();
    }

    /// <summary>A self-clocked TCP source of GSO super-packets (10 segments of 1,400 bytes), in sequence.</summary>
    private sealed class GsoSource(TestBed bed, NetworkNamespace ns, Ipv4Address src, Ipv4Address dst, long intervalPs) : IEventTarget
    {
        public int Remaining;
        private uint _seq = 1;

        public void OnEvent(in SimEvent ev)
        {
            Packet p = bed.Pool.Rent();
            p.PayloadLength = 14_000;
            p.GsoSize = 1400;
            p.FlowId = 3;
            ref TcpHeader t = ref p.PushTcp();
            t.SourcePort = 40000;
            t.DestinationPort = 5201;
            t.Flags = TcpFlags.Ack;
            t.SequenceNumber = _seq;
            _seq += 14_000;
            ref Ipv4Header ip = ref p.PushIpv4();
            ip.Source = src;
            ip.Destination = dst;
            ip.Protocol = Ipv4Header.ProtocolTcp;
            ip.DontFragment = true;
            bed.Sim.ScheduleAtPicoseconds(bed.Sim.NowPicoseconds, ns.LocalOut, EventKinds.PacketArrival, 0, p, ns.Node.Id);
            if (--Remaining > 0) bed.Sim.Schedule(new SimTime(intervalPs), this, EventKinds.Application);
        }
    }

    [Fact]
    public void WireGuard_with_GSO_segments_crypt_workers_on_four_cores_and_GRO_allocates_nothing()
    {
        var bed = new TestBed();
        Cluster c = Topologies.TwoNodes(bed, Overlay.WireGuard, cores: 4);
        c.Wire.Record = false;
        var discard = new Discard(c.N2.Node);
        c.N2.Pods[0].RegisterProtocol(Ipv4Header.ProtocolTcp, discard);
        var source = new GsoSource(bed, c.N1.Pods[0], Ipv4Address.Parse("10.244.1.2"), Ipv4Address.Parse("10.244.2.2"), SimTime.FromMicroseconds(100).Picoseconds);
        source.Remaining = 500; // warm up: bundles, their packet arrays, queues, GRO lists, event arrays
        bed.Sim.Schedule(SimTime.Zero, source, EventKinds.Application);
        bed.RunUntil(SimTime.FromMilliseconds(100).Picoseconds);
        long warm = discard.Count;
        source.Remaining = 5000;
        bed.Sim.Schedule(SimTime.Zero, source, EventKinds.Application);
        long before = GC.GetAllocatedBytesForCurrentThread();
        bed.RunUntil(SimTime.FromMilliseconds(700).Picoseconds);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(discard.Count - warm >= 5000, $"{discard.Count - warm} packets up (GRO merges segments back)");
        Assert.Equal(0, allocated);
        bed.AssertConservation();
    }
}
