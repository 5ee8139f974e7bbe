namespace NetSim.Engine.Cpu;

/// <summary>
/// One time slice of a process booked on a core with <see cref="CpuCore.RunSlice"/>: softirq work arriving while it
/// runs pre-empts it, so its end moves later by that work. The process reads <see cref="End"/> when it expects to be
/// done and waits again if the slice was pushed back.
/// </summary>
public sealed class ProcessSlice
{
    /// <summary>When the slice starts on the core (picoseconds).</summary>
    public long Start { get; internal set; }

    /// <summary>When the slice ends, pre-emptions included (picoseconds).</summary>
    public long End { get; internal set; }

    /// <summary>Picoseconds of softirq work that pre-empted this slice.</summary>
    public long PreemptedPs { get; internal set; }
}
