namespace NetSim.Topologies.Simulation;

/// <summary>
/// How to run: where pcap captures go (interfaces whose "node/namespace/device" name matches the glob
/// <see cref="PcapPattern"/>, e.g. "node1/*/eth0" or "*/flannel.1"), a progress callback (fraction done), and a
/// callback that sees the cluster as the run left it (rule counters, tables) before the result is collected.
/// </summary>
public sealed record RunOptions(string? PcapPattern = null, string? PcapDirectory = null, Action<double>? Progress = null)
{
    public Action<Build.BuiltCluster>? AfterRun { get; init; }

    /// <summary>Each pcap file stops growing at this many bytes (the rest of its packets are counted, not written).</summary>
    public long PcapLimitBytes { get; init; } = long.MaxValue;

    public static readonly RunOptions Default = new();
}
