using System.Runtime.CompilerServices;
using NetSim.Engine.Core;
using NetSim.Engine.Randomness;
using NetSim.Engine.Randomness.Distributions;
using NetSim.Engine.Statistics;
using NetSim.Engine.Tests.Models;

namespace NetSim.Engine.Tests;

/// <summary>The hot path's budget: 0 bytes allocated per event (and per histogram record) in steady state.</summary>
public class AllocationTests
{
    [Fact]
    public void A_warmed_up_hold_loop_allocates_nothing_per_event()
    {
        var sim = new Simulator();
        _ = new HoldModel(sim, new RandomStreams(1).Get("hold"), population: 1000, meanPicoseconds: 100_000);
        var timer = new SimTimer(sim, new EventLog(), kind: 1);
        long horizon = 0;
        void Advance()
        {
            horizon += 100_000_000; // ≈ 1 M events
            timer.ArmAt(new SimTime(horizon + 1)); // timers in the mix: re-armed later, stale events dropped
            sim.RunUntil(new SimTime(horizon));
        }
        for (int i = 0; i < 5; i++) Advance(); // warm up: tiered JIT, heap and lane at full size

        long before = GC.GetAllocatedBytesForCurrentThread();
        long eventsBefore = sim.EventsProcessed;
        Advance();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(sim.EventsProcessed - eventsBefore > 500_000);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Recording_latencies_allocates_nothing()
    {
        var h = new LatencyHistogram();
        var rng = new RandomStream(4);
        RecordMany(h, rng); // warm up the same loop, so on-stack replacement compiles it before the measurement
        long before = GC.GetAllocatedBytesForCurrentThread();
        RecordMany(h, rng);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void RecordMany(LatencyHistogram h, RandomStream rng)
    {
        for (int i = 0; i < 100_000; i++) h.RecordPicoseconds(rng.NextInt64(1, 1_000_000_000));
    }

    [Fact]
    public void Sampling_distributions_allocates_nothing()
    {
        IDistribution[] distributions =
        [
            new Exponential(10), new Uniform(1, 2), new LogNormal(0, 1), new Pareto(1, 2.5), new Constant(3),
            new EmpiricalCdf([(1, 0.2), (10, 0.7), (100, 1.0)]),
        ];
        var rng = new RandomStream(6);
        double sum = 0;
        foreach (var d in distributions) for (int i = 0; i < 1000; i++) sum += d.Sample(rng); // warm up
        long before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var d in distributions) for (int i = 0; i < 100_000; i++) sum += d.Sample(rng);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(sum > 0);
    }
}
