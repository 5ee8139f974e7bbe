using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using NetSim.Engine.Cpu;
using NetSim.Engine.Randomness;

namespace NetSim.Engine.Costs;

/// <summary>
/// One node's draws of its profile's <see cref="CostVariability"/>: each CPU charge as its class's
/// <see cref="WorkSpread"/> draws it (mean exactly the profile's; softirq and task work each with their own spread),
/// and the latency of each thread wakeup. The
/// node has its own named random streams ("NODE/cpu", "NODE/wakeup"), so traffic on another node never changes
/// this node's numbers. Charges are whole picoseconds, rounded stochastically (<see cref="SpreadSampler"/>), so the
/// mean stays the profile's. With an exact profile nothing is drawn and every charge is returned unchanged.
/// </summary>
public sealed class CostDraws
{
    private static readonly ConcurrentDictionary<double, UnitMeanLogNormal> Samplers = new();
    private static readonly ConcurrentDictionary<WorkSpread, SpreadSampler> Spreads = new();

    private readonly NodeCpu _cpu;
    private readonly WakeupLatency _wakeup;
    private readonly RandomStream? _cpuStream, _wakeupStream;
    private readonly SpreadSampler? _softirq, _task;
    private readonly UnitMeanLogNormal? _scheduler;

    public CostDraws(CostVariability variability, NodeCpu cpu, RandomStreams streams, string node)
    {
        ArgumentNullException.ThrowIfNull(variability);
        ArgumentNullException.ThrowIfNull(cpu);
        ArgumentNullException.ThrowIfNull(streams);
        Variability = variability;
        _cpu = cpu;
        _wakeup = variability.Wakeup;
        _softirq = SpreadFor(variability.Softirq);
        _task = SpreadFor(variability.Task);
        _scheduler = _wakeup.SchedulerMeanPs > 0 ? SamplerFor(_wakeup.SchedulerCv) : null; // null with cv 0: a fixed delay
        if (_softirq is not null || _task is not null) _cpuStream = streams.Get($"{node}/cpu");
        if (_scheduler is not null) _wakeupStream = streams.Get($"{node}/wakeup");
    }

    public CostVariability Variability { get; }
    /// <summary>True when wakeups take time (the transport then defers the woken thread's work).</summary>
    public bool WakeupsTakeTime => !_wakeup.IsNone;

    /// <summary>Softirq packet work of <paramref name="workPs"/> on average, as drawn for this charge.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Softirq(long workPs) => _softirq is null || workPs == 0 ? workPs : _softirq.Draw(workPs, _cpuStream!);

    /// <summary>Work in the application's task (a system call, a copy) of <paramref name="workPs"/> on average, as drawn.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Task(long workPs) => _task is null || workPs == 0 ? workPs : _task.Draw(workPs, _cpuStream!);

    /// <summary>
    /// How long a thread on <paramref name="core"/> woken at <paramref name="nowPs"/> takes to run: the scheduler's
    /// drawn part, plus the idle-state exit when its core has been idle (nothing booked on it) since before now.
    /// </summary>
    public long WakeupPs(int core, long nowPs)
    {
        if (_wakeup.IsNone) return 0;
        long ps = _scheduler is null ? _wakeup.SchedulerMeanPs
            : (long)Math.Round(_wakeup.SchedulerMeanPs * _scheduler.Sample(_wakeupStream!), MidpointRounding.ToEven);
        long busyUntil = _cpu[core].BusyUntil;
        if (busyUntil <= nowPs) ps += _wakeup.IdleExitPs(nowPs - busyUntil);
        return ps;
    }

    private static UnitMeanLogNormal? SamplerFor(double cv) => cv > 0 ? Samplers.GetOrAdd(cv, static c => new UnitMeanLogNormal(c)) : null;

    private static SpreadSampler? SpreadFor(WorkSpread spread) =>
        spread.IsNone ? null : Spreads.GetOrAdd(spread, static s => new SpreadSampler(s.ExcessCv, s.Floor));
}
