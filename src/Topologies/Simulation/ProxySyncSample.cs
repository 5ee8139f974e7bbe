namespace NetSim.Topologies.Simulation;

/// <summary>
/// One Service proxy sync during a run (proxy_syncs.csv): when it started and when its rules took effect on every
/// reachable node, the Service ports and rules it programmed, and how many Service ports had changed since the last.
/// </summary>
/// <param name="FirstPacketPs">For syncs that programmed a new Service: the longest wait from a Service's creation to this sync's end (when its first packet can be proxied); else 0.</param>
public sealed record ProxySyncSample(long StartPs, long EndPs, string Mode, int ServicePorts, int Rules, int ChangedPorts, int Nodes, long FirstPacketPs)
{
    /// <summary>The CPU the sync took on one core of each node it ran on (its wall time there when the core has nothing else to do).</summary>
    public long CpuPs { get; init; }
}
