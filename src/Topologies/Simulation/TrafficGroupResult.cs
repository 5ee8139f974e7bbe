using NetSim.Traffic.Applications;
using NetSim.Traffic.Metrics;

namespace NetSim.Topologies.Simulation;

/// <summary>
/// One traffic group of the scenario (one application, possibly several flows): its application record, its
/// flows, and its latency distribution as CDF points (latency µs, fraction ≤) for charts.
/// </summary>
public sealed record TrafficGroupResult(
    string Name,
    string Kind,
    string Protocol,
    string From,
    string To,
    ApplicationRecord Application,
    IReadOnlyList<FlowRecord> Flows,
    IReadOnlyList<LatencyPoint> LatencyCdf,
    long Retransmissions,
    long Timeouts,
    long Drops);
