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
}
