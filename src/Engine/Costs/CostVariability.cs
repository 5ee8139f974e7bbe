namespace NetSim.Engine.Costs;

/// <summary>
/// A profile's <c>variability</c> section: how each CPU charge spreads around its profile mean (a floor plus a
/// log-normal excess, mean exactly the profile's: one <see cref="WorkSpread"/> for softirq packet work and one for work
/// in the application's task: system calls and copies), how long a woken thread takes to run, and whether NIC interrupt
/// moderation adapts to the traffic. <see cref="None"/> is the deterministic model: every charge its mean, threads
/// run when woken, moderation fixed (what <c>--exact-costs</c> runs).
/// </summary>
public sealed record CostVariability
{
    public static CostVariability None { get; } = new();

    /// <summary>The spread of packet work in softirq (every element's charge).</summary>
    public WorkSpread Softirq { get; init; } = WorkSpread.None;
    /// <summary>The spread of work in the application's task (system calls, copies, connect).</summary>
    public WorkSpread Task { get; init; } = WorkSpread.None;
    public WakeupLatency Wakeup { get; init; } = WakeupLatency.None;
    public InterruptModeration Moderation { get; init; } = InterruptModeration.Fixed;

    public bool IsExact => Softirq.IsNone && Task.IsNone && Wakeup.IsNone && !Moderation.Adaptive;

    /// <summary>
    /// The same variability with nothing drawn: every CPU charge its mean and every wakeup its mean scheduler latency
    /// (idle states and interrupt moderation as they are, both deterministic). The exchange this gives is the mean
    /// exchange, whose round trip is a run's mean one: what <c>trace</c> and the latency budget explain.
    /// </summary>
    public CostVariability AtMeans => this with { Softirq = WorkSpread.None, Task = WorkSpread.None, Wakeup = Wakeup with { SchedulerCv = 0 } };

    /// <summary>A one-line summary (profile listings, cache keys).</summary>
    public override string ToString() =>
        IsExact ? "exact" : System.FormattableString.Invariant(
            $"softirq cv {Softirq.Cv} floor {Softirq.Floor}, task cv {Task.Cv} floor {Task.Floor}, wakeup {Wakeup.SchedulerMeanPs / 1000.0} ns cv {Wakeup.SchedulerCv} + {Wakeup.IdleStates.Count} idle states, moderation {(Moderation.Adaptive ? $"adaptive {Moderation.MinIntervalPs / 1e6}-{Moderation.MaxIntervalPs / 1e6} us" : "fixed")}");
}
