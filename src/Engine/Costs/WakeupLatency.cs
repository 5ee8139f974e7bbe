namespace NetSim.Engine.Costs;

/// <summary>
/// How long a thread blocked in recv(), accept() or connect() takes to run once softirq wakes it: the scheduler's
/// part (try_to_wake_up, the IPI, the switch to the thread), drawn log-normal with a mean and a coefficient of
/// variation, plus the exit latency of the idle state its core sleeps in when the core was idle. The governor is
/// taken as ideal: the deepest state whose target residency the idle period reached (what menu and teo aim for).
/// </summary>
public sealed record WakeupLatency
{
    /// <summary>No wakeup latency: the thread runs the moment it is woken (the model before variability).</summary>
    public static WakeupLatency None { get; } = new();

    /// <summary>Mean of the scheduler's part in picoseconds; 0 for none.</summary>
    public long SchedulerMeanPs { get; init; }
    /// <summary>Its coefficient of variation (standard deviation / mean); 0 for a fixed delay.</summary>
    public double SchedulerCv { get; init; }
    /// <summary>The core's idle states, shallowest first; empty when the core polls (idle=poll, or deep states off).</summary>
    public IReadOnlyList<IdleState> IdleStates { get; init; } = [];

    public bool IsNone => SchedulerMeanPs == 0 && IdleStates.Count == 0;

    /// <summary>
    /// The exit latency of the state an ideal governor enters for an idle period of <paramref name="idlePs"/>: the
    /// deepest whose target residency is at most that long (0 when none qualifies or the core polls).
    /// </summary>
    public long IdleExitPs(long idlePs)
    {
        long exit = 0;
        var states = IdleStates;
        for (int i = 0; i < states.Count; i++) // not foreach: an interface enumerator would allocate per wakeup
            if (states[i].TargetResidencyPs <= idlePs) exit = states[i].ExitLatencyPs;
        return exit;
    }
}
