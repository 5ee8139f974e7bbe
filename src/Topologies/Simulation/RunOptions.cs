namespace NetSim.Topologies.Simulation;

/// <summary>
/// How to run: where pcap captures go (interfaces whose "node/namespace/device" name matches the glob
/// <see cref="PcapPattern"/>, e.g. "node1/*/eth0" or "*/flannel.1"), and a progress callback (fraction done).
/// </summary>
public sealed record RunOptions(string? PcapPattern = null, string? PcapDirectory = null, Action<double>? Progress = null)
{
    public static readonly RunOptions Default = new();
}
