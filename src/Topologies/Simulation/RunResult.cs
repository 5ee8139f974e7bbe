using NetSim.Engine.Packets;

namespace NetSim.Topologies.Simulation;

/// <summary>
/// Everything one run of a scenario over one datapath produced, as plain values: the CLI turns it into tables,
/// CSV files and charts. Times are picoseconds unless named otherwise; statistics cover [MeasuredFromPs,
/// MeasuredToPs] (the warm-up is excluded).
/// </summary>
public sealed record RunResult(
    string Scenario,
    string ScenarioFile,
    string ScenarioSha256,
    string Datapath,
    string KubeProxyMode,
    ulong Seed,
    long MeasuredFromPs,
    long MeasuredToPs,
    double WallSeconds,
    long Events,
    long PeakMemoryBytes,
    ulong Fingerprint,
    ConservationReport Conservation,
    IReadOnlyList<TrafficGroupResult> Groups,
    IReadOnlyList<ElementResult> Elements,
    IReadOnlyList<NodeResult> Nodes,
    IReadOnlyList<DropCount> Drops,
    IReadOnlyList<string> Notes)
{
    /// <summary>
    /// Where the time of one request/response goes, by element kind (µs), from a traced exchange of the run's first
    /// request/response group over the same cluster ("wire" is serialization, propagation and switching). Empty
    /// when the scenario has no request/response traffic.
    /// </summary>
    public IReadOnlyList<(string Kind, double Us)> TransactionBudget { get; init; } = [];

    /// <summary>
    /// Whether the datapath enforced the scenario's NetworkPolicies: "" when it has none, "enforced", or "not enforced"
    /// (Flannel, bridge, ptp, macvlan and ipvlan have no policy agent; Weave's and the AWS VPC CNI's are not modelled).
    /// </summary>
    public string NetworkPolicy { get; init; } = "";

    /// <summary>The physical invariants beside packet conservation (<see cref="InvariantReport"/>).</summary>
    public InvariantReport Invariants { get; init; } = InvariantReport.None;

    /// <summary>Packet conservation and every physical invariant hold: the run's numbers can be believed.</summary>
    public bool Holds => Conservation.Holds && Invariants.Holds;

    /// <summary>The traced steady-state request/response the budget comes from (null without request/response traffic).</summary>
    public TraceResult? TransactionTrace { get; init; }

    /// <summary>The cluster's network devices as built (for the topology picture).</summary>
    public IReadOnlyList<DeviceResult> Devices { get; init; } = [];

    /// <summary>Of <see cref="RunResult.WallSeconds"/> (build and run), the seconds spent building the cluster and wiring its Services and traffic.</summary>
    public double BuildSeconds { get; init; }

    /// <summary>What changed in the cluster during the run (scenario events and the control plane's responses), in time order.</summary>
    public IReadOnlyList<TimelineEntry> Timeline { get; init; } = [];

    /// <summary>With events: each traffic group's rates step by step through the whole run (warm-up included), to see each event's effect.</summary>
    public IReadOnlyList<ThroughputSample> Throughput { get; init; } = [];

    /// <summary>Every Service proxy sync of a run with events (proxy_syncs.csv): its length, rules and the wait of new Services.</summary>
    public IReadOnlyList<ProxySyncSample> ProxySyncs { get; init; } = [];

    public double MeasuredSeconds => (MeasuredToPs - MeasuredFromPs) / 1e12;
    public double SimulatedSeconds => MeasuredToPs / 1e12;
}
