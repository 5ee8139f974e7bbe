using NetSim.Engine.Core;
using NetSim.Engine.Costs;
using NetSim.Engine.Elements;
using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Simulation;
using Xunit.Abstractions;

namespace NetSim.Topologies.Tests.Build;

/// <summary>
/// A whole cluster run with the profile's variability (drawn CPU charges, wakeups with idle-state exits, adaptive
/// interrupt moderation, RPS over VXLAN) allocates nothing per packet once warm: the draws are table lookups and
/// integer arithmetic, the wakeups and the ITR are events and counters.
/// </summary>
[Collection(nameof(VariabilityAllocationTests))] // measured on its own thread
public sealed class VariabilityAllocationTests(ITestOutputHelper output)
{
    private const string Yaml = """
        name: alloc
        seed: 4
        duration: 60ms
        warmup: 0s
        cluster:
          nodes: { count: 2, cores: 4 }
          nic: { rate: 40Gbps, mtu: 1500, rps: true }
        cni: { datapath: flannel-vxlan }
        kube_proxy: { mode: none }
        workloads:
          - { name: client, placement: pinned, nodes: [node1] }
          - { name: server, placement: pinned, nodes: [node2] }
        traffic:
          - { name: stream, kind: bulk, from: pod:client, to: pod:server }
          - { name: rr, kind: rr, from: pod:client, to: pod:server }
        """;

    /// <summary>Reads the thread's allocated bytes and the packets rented so far at two moments of the run.</summary>
    private sealed class Meter(BuiltCluster cluster) : IEventTarget
    {
        public long BytesFrom, BytesTo, PacketsFrom, PacketsTo;

        public void OnEvent(in SimEvent ev)
        {
            long bytes = GC.GetAllocatedBytesForCurrentThread(), packets = cluster.Context.Pool.Rented;
            if (ev.Arg == 0) (BytesFrom, PacketsFrom) = (bytes, packets);
            else (BytesTo, PacketsTo) = (bytes, packets);
        }
    }

    [Fact]
    public void A_run_with_drawn_costs_wakeups_and_adaptive_moderation_allocates_nothing_per_packet()
    {
        var profile = ClusterSimulationTests.Profile();
        var variability = profile.Variability with
        {
            Wakeup = profile.Variability.Wakeup with
            {
                SchedulerMeanPs = 500_000,
                SchedulerCv = 1,
                IdleStates = [new IdleState("C1", 2_000_000, 2_000_000), new IdleState("C6", 133_000_000, 400_000_000)],
            },
        };
        Assert.True(variability.Moderation.Adaptive);
        Meter? meter = null;
        var options = RunOptions.Default with
        {
            BeforeRun = c =>
            {
                meter = new Meter(c);
                c.Context.Sim.ScheduleAtPicoseconds(SimTime.FromMilliseconds(40).Picoseconds, meter, EventKinds.Application, 0);
                c.Context.Sim.ScheduleAtPicoseconds(SimTime.FromMilliseconds(58).Picoseconds, meter, EventKinds.Application, 1);
            },
        };
        var r = new ClusterSimulation().Run(ScenarioLoader.Parse(Yaml, "alloc.yaml"), profile.WithVariability(variability), null, options);
        Assert.True(r.Conservation.Holds);
        long allocated = meter!.BytesTo - meter.BytesFrom, packets = meter.PacketsTo - meter.PacketsFrom;
        output.WriteLine($"{allocated} bytes over {packets} packets");
        // Measured once the streams are in steady state (40-58 ms): since TSO deferral lets a sender hold more unsent
        // data, buffers that grow by doubling keep growing until about 40 ms (100 KB from 20 ms); what is left is under
        // 0.1 byte per packet (1.6 KB over 29,000 packets), a last doubling rather than work per packet.
        Assert.True(packets > 25_000, $"{packets} packets");
        Assert.True(allocated <= packets / 10, $"{allocated} bytes allocated for {packets} packets");
    }
}
