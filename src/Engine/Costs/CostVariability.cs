namespace NetSim.Engine.Costs;

/// <summary>
/// A profile's <c>variability</c> section: how each CPU charge spreads around its profile mean (a floor plus a
/// log-normal excess, mean exactly the profile's: one <see cref="WorkSpread"/> for softirq packet work and one for work
/// in the application's task: system calls and copies), how long a woken thread takes to run, and whether NIC interrupt
/// moderation adapts to the traffic. <see cref="None"/> is the deterministic model: every charge its mean, threads
/// run when woken, moderation fixed; <see cref="Exact"/> (the same, with the moderation kept) is what <c>--exact-costs</c> runs.
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

    /// <summary>Nothing drawn and no wakeup latency. Interrupt moderation is a mechanism, not a spread: exact costs keep it.</summary>
    public bool IsExact => Softirq.IsNone && Task.IsNone && Wakeup.IsNone;

    /// <summary>
    /// Exact costs (<c>--exact-costs</c>): every charge its mean and threads running the moment they are woken, with the
    /// interrupt moderation kept (without it an interrupt core never batches, and RPS and GRO lose what they live on).
    /// </summary>
    public CostVariability Exact => IsExact ? this : new CostVariability { Moderation = Moderation };

    /// <summary>
    /// The same variability with nothing drawn: every CPU charge its mean and every wakeup its mean scheduler latency
    /// (idle states and interrupt moderation as they are, both deterministic). The exchange this gives is the mean
    /// exchange, whose round trip is a run's mean one: what <c>trace</c> and the latency budget explain.
    /// </summary>
    public CostVariability AtMeans => this with { Softirq = WorkSpread.None, Task = WorkSpread.None, Wakeup = Wakeup with { SchedulerCv = 0 } };

    /// <summary>A one-line summary (profile listings, cache keys).</summary>
    public override string ToString() =>
        IsExact ? (Moderation.Adaptive ? $"exact, moderation {Moderation}" : "exact") : System.FormattableString.Invariant(
            $"softirq cv {Softirq.Cv} floor {Softirq.Floor}, task cv {Task.Cv} floor {Task.Floor}, wakeup {Wakeup.SchedulerMeanPs / 1000.0} ns cv {Wakeup.SchedulerCv} + {Wakeup.IdleStates.Count} idle states, moderation {Moderation}");
}
