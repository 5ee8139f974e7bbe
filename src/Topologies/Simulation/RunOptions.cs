namespace NetSim.Topologies.Simulation;

/// <summary>
/// How to run: where pcap captures go (interfaces whose "node/namespace/device" name matches the glob
/// <see cref="PcapPattern"/>, e.g. "node1/*/eth0" or "*/flannel.1"), a progress callback (fraction done), and
/// callbacks that see the cluster before the run starts (to attach probes) and as the run left it (rule counters,
/// tables) before the result is collected.
/// </summary>
public sealed record RunOptions(string? PcapPattern = null, string? PcapDirectory = null, Action<double>? Progress = null)
{
    public Action<Build.BuiltCluster>? AfterRun { get; init; }

    /// <summary>Called once the cluster is built and its traffic wired, before the first event runs.</summary>
    public Action<Build.BuiltCluster>? BeforeRun { get; init; }

    /// <summary>
    /// Run the profile with exact costs (<c>--exact-costs</c>): every CPU charge is its mean and woken threads run at
    /// once; interrupt moderation stays adaptive where the NIC or profile has it (a mechanism, not a spread). Runs are
    /// then deterministic and replications differ only where traffic itself is random.
    /// </summary>
    public bool ExactCosts { get; init; }

    /// <summary>Each pcap file stops growing at this many bytes (the rest of its packets are counted, not written).</summary>
    public long PcapLimitBytes { get; init; } = long.MaxValue;

    /// <summary>
    /// Threads one run is split over (<c>--threads</c>): the cluster's nodes are divided among them and run in
    /// synchronous windows, with results byte-identical to one thread (<see cref="Build.ClusterPartitioner"/>).
    /// </summary>
    public int Threads { get; init; } = 1;

    public static readonly RunOptions Default = new();
}
