using NetSim.Engine.Core;
using NetSim.Traffic.Tests.Harness;
using NetSim.Traffic.Transport.Tcp;
using Xunit.Abstractions;

namespace NetSim.Traffic.Tests;

[Collection(nameof(AllocationTests))] // measured on its own thread; other tests may run in parallel on theirs
public class AllocationTests
{
    private readonly ITestOutputHelper _out;

    public AllocationTests(ITestOutputHelper output) => _out = output;

    [Theory]
    [InlineData(0.0)]
    [InlineData(1e-3)]
    public void A_steady_bulk_transfer_allocates_nothing_per_packet(double loss)
    {
        var net = new TwoHosts(new LinkSpec { Costs = TestProfiles.Standard, LossAtoB = loss, QueueBytes = 1 << 20 });
        net.TcpB.Listen(5201, new RecordingHandler());
        TcpSocket socket = net.TcpA.Connect(TwoHosts.AddressB, 5201, new BulkWriter(), out _)!;
        net.RunFor(SimTime.FromMilliseconds(100)); // warm up: pools, rings, heaps and histogram rows reach their size

        long packetsBefore = net.Pool.Rented;
        long before = GC.GetAllocatedBytesForCurrentThread();
        net.RunFor(SimTime.FromMilliseconds(100));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        long packets = net.Pool.Rented - packetsBefore;

        _out.WriteLine($"loss {loss}: {allocated} bytes over {packets} packets ({(double)allocated / packets:F4} B/packet), " +
                       $"{socket.Flow.RetransmittedPackets} retransmissions");
        Assert.True(packets > 10_000, $"{packets} packets");
        Assert.True(allocated <= packets / 100, $"{allocated} bytes allocated for {packets} packets");
        net.AssertConservation();
    }
}
