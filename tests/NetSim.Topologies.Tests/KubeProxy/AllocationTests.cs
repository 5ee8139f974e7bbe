using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Engine.Elements;
using NetSim.Engine.Packets;
using NetSim.Topologies.Tests.KubeProxy.Fixtures;

namespace NetSim.Topologies.Tests.KubeProxy;

/// <summary>The per-packet path of every mode allocates nothing once a connection is set up.</summary>
public class AllocationTests
{
    /// <summary>One UDP flow, one packet per interval, rented from the pool.</summary>
    private sealed class UdpSource(ProxyBed bed, NetworkNamespace ns, Ipv4Address dst, long intervalPs) : IEventTarget
    {
        public int Remaining;

        public void OnEvent(in SimEvent ev)
        {
            bed.Sim.ScheduleAtPicoseconds(bed.Sim.NowPicoseconds, ns.LocalOut, EventKinds.PacketArrival, 0, bed.Udp(dst, 40000, 80), ns.Node.Id);
            if (--Remaining > 0) bed.Sim.Schedule(new SimTime(intervalPs), this, EventKinds.Application);
        }
    }

    /// <summary>Bytes this thread allocates while 20,000 more packets cross the Service.</summary>
    private static long Measure(ProxyBed bed, UdpSource source)
    {
        source.Remaining = 20000;
        bed.Sim.Schedule(SimTime.Zero, source, EventKinds.Application);
        long before = GC.GetAllocatedBytesForCurrentThread();
        bed.Run();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Theory]
    [MemberData(nameof(ServiceTrafficTests.Modes), MemberType = typeof(ServiceTrafficTests))]
    public void Established_Service_traffic_allocates_nothing(string mode)
    {
        var bed = new ProxyBed();
        var c = new ProxyCluster(bed);
        c.Install(mode, [ProxyCluster.Service("web", "10.96.0.10", c.Pods(1, 0), protocol: Ipv4Header.ProtocolUdp)]);
        PodSink server = c[1].Sinks[0];
        server.Record = false;
        server.EchoUdp = false;
        var source = new UdpSource(bed, c[0].Pods[0], Ipv4Address.Parse("10.96.0.10"), SimTime.FromMicroseconds(20).Picoseconds);

        source.Remaining = 2000; // warm up: ARP, the connection, pools, event arrays
        bed.Sim.Schedule(SimTime.Zero, source, EventKinds.Application);
        bed.Run();
        long allocated = Measure(bed, source);
        // A per-packet allocation repeats in every round; a one-off of the runtime's (seen only with the whole
        // assembly running in parallel: ~2 KB once) does not, so a round that allocated less than a byte per packet
        // is measured once more and must then be clean.
        Assert.True(allocated < 20000, $"{allocated} B for 20,000 packets");
        int rounds = 1;
        if (allocated > 0) (allocated, rounds) = (Measure(bed, source), 2);

        Assert.Equal(2000 + (20000 * rounds), server.Count);
        Assert.Equal(0, allocated);
        bed.AssertConservation();
    }
}
