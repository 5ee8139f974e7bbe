namespace NetSim.Planning.Requirements;

/// <summary>
/// One environment (dev, staging, prod): the cluster it runs on (its own unless several name the same one) and
/// its share of the workload; a count it does not give is the requirements' top-level one.
/// </summary>
public sealed record EnvironmentRequirement(string Name, string Cluster, int Workers, int Pods, int Services);
