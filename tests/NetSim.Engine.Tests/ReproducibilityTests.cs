using NetSim.Engine.Core;
using NetSim.Engine.Randomness;
using NetSim.Engine.Tests.Models;

namespace NetSim.Engine.Tests;

public class ReproducibilityTests
{
    private static (ulong Fingerprint, long DelaySum, long Now) RunHold(ulong seed)
    {
        var sim = new Simulator();
        var model = new HoldModel(sim, new RandomStreams(seed).Get("hold"), population: 500, meanPicoseconds: 100_000);
        sim.RunUntil(new SimTime(50_000_000)); // about 250 k events
        Assert.True(sim.EventsProcessed > 100_000);
        return (sim.Fingerprint, model.DelaySum, sim.NowPicoseconds);
    }

    [Fact]
    public void Same_seed_gives_the_same_fingerprint_and_results()
    {
        var a = RunHold(42);
        var b = RunHold(42);
        Assert.Equal(a, b);
        Assert.NotEqual(RunFingerprint.Initial.Value, a.Fingerprint);
    }

    [Fact]
    public void Different_seeds_give_different_fingerprints()
    {
        var a = RunHold(42);
        var b = RunHold(43);
        Assert.NotEqual(a.Fingerprint, b.Fingerprint);
        Assert.NotEqual(a.DelaySum, b.DelaySum);
    }

    [Fact]
    public void The_fingerprint_depends_on_event_kinds_not_only_times()
    {
        static ulong Run(int secondKind)
        {
            var sim = new Simulator();
            var log = new EventLog();
            sim.ScheduleAtPicoseconds(10, log, 1);
            sim.ScheduleAtPicoseconds(20, log, secondKind);
            sim.Run();
            return sim.Fingerprint;
        }
        Assert.Equal(Run(2), Run(2));
        Assert.NotEqual(Run(2), Run(3));
    }
}
