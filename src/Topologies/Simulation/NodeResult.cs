namespace NetSim.Topologies.Simulation;

/// <summary>A node's CPU during the measured interval: busy picoseconds per core.</summary>
public sealed record NodeResult(string Node, int Cores, IReadOnlyList<long> BusyPsPerCore)
{
    public long BusyPs => BusyPsPerCore.Sum();
}
