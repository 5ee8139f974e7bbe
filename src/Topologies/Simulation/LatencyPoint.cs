namespace NetSim.Topologies.Simulation;

/// <summary>A point of a latency CDF: this fraction of samples were at or below this latency (µs).</summary>
public readonly record struct LatencyPoint(double LatencyUs, double Fraction);
