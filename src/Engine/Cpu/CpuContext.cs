namespace NetSim.Engine.Cpu;

/// <summary>The context work runs in on a core: the kernel's softirq (packet processing) or a process (system calls, copies).</summary>
public enum CpuContext
{
    /// <summary>NET_RX/NET_TX softirq work: NAPI polls, backlogs, the stack a packet walks through.</summary>
    Softirq,
    /// <summary>Work in an application thread's context: system calls and their copies.</summary>
    Process,
}
