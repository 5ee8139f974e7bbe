using NetSim.Engine.Core;
using NetSim.Engine.Randomness;
using NetSim.Traffic.Applications;
using NetSim.Traffic.Metrics;
using NetSim.Traffic.Tests.Harness;

namespace NetSim.Traffic.Tests;

public class DeterminismTests
{
    [Fact]
    public void The_same_scenario_twice_gives_the_same_event_fingerprint_and_the_same_records()
    {
        (ulong fingerprint, string flows, string app) first = Run(), second = Run();
        Assert.Equal(first, second);
    }

    private static (ulong, string, string) Run()
    {
        var net = new TwoHosts(new LinkSpec { Costs = TestProfiles.Standard, RateBitsPerSecond = 1_000_000_000, LossAtoB = 1e-3, Seed = 5 });
        var directory = new TransactionDirectory();
        _ = new TransactionServer(new TrafficEndpoint("B", net.TransportB, TwoHosts.AddressB), 80, directory);
        _ = new BulkStreamServer(new TrafficEndpoint("B", net.TransportB, TwoHosts.AddressB));
        var client = new TrafficEndpoint("A", net.TransportA, TwoHosts.AddressA);
        var random = new RandomStream(9); // as the scenario layer passes: exponential gaps from the ziggurat
        var iperf = new BulkStreamClient(client, new BulkStreamOptions { Server = TwoHosts.AddressB, Streams = 2, Duration = SimTime.FromMilliseconds(200) }, net.Flows);
        var open = new OpenLoopClient(client, directory, new OpenLoopOptions
        {
            Server = TwoHosts.AddressB, Port = 80, InterArrivalSeconds = Samplers.Exponential(0.001, random),
            RequestBytes = Samplers.Uniform(100, 100_000, random), ResponseBytes = Samplers.Constant(500), Duration = SimTime.FromMilliseconds(200),
        }, net.Flows);
        iperf.Start();
        open.Start();
        net.RunFor(SimTime.FromMilliseconds(300));
        net.AssertConservation();
        string flows = string.Join("\n", net.Flows.Snapshot(net.Sim.NowPicoseconds).Select(Describe));
        var record = open.Metrics.Snapshot(net.Sim.NowPicoseconds);
        return (net.Sim.Fingerprint, flows, $"{record.Transactions} {record.TransactionLatency} {iperf.Snapshot(net.Sim.NowPicoseconds).BytesReceived}");
    }

    private static string Describe(FlowRecord f) =>
        $"{f.FlowId} {f.SourcePort} {f.BytesDelivered} {f.PacketsSent} {f.RetransmittedPackets} {f.Timeouts} {f.OneWayLatency} {string.Join(",", f.Drops)}";
}
