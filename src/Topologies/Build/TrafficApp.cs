using NetSim.Topologies.Scenarios.Model;
using NetSim.Traffic.Applications;

namespace NetSim.Topologies.Build;

/// <summary>One traffic group as running: its spec, the client application's metrics, and how to snapshot it.</summary>
public sealed record TrafficApp(TrafficSpec Spec, string From, string To, ApplicationMetrics Metrics, Func<long, ApplicationRecord> Snapshot);
