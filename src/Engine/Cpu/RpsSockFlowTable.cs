namespace NetSim.Engine.Cpu;

/// <summary>
/// RFS's global flow table (rps_sock_flow_table, net.core.rps_sock_flow_entries = 32768 when RFS is configured): by
/// flow hash, the core the flow's consuming thread last ran on, as sock_rps_record_flow writes it when the thread
/// calls recvmsg or sendmsg. get_rps_cpu steers a flow's packets to that core.
/// </summary>
public sealed class RpsSockFlowTable
{
    /// <summary>net.core.rps_sock_flow_entries as RFS guides set it.</summary>
    public const int Entries = 32768;

    private readonly short[] _cores = new short[Entries];

    public RpsSockFlowTable() => Array.Fill(_cores, (short)-1);

    /// <summary>sock_rps_record_flow: the thread of the flow with <paramref name="hash"/> runs on <paramref name="core"/>.</summary>
    public void Record(uint hash, int core)
    {
        if (hash != 0) _cores[hash & (Entries - 1)] = (short)core;
    }

    /// <summary>The core recorded for <paramref name="hash"/>, or -1.</summary>
    public int Lookup(uint hash) => hash == 0 ? -1 : _cores[hash & (Entries - 1)];
}
