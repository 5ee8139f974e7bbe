namespace NetSim.Engine.Costs;

/// <summary>
/// A named cost in a profile (e.g. "veth.xmit"), named after the kernel function or element it stands for.
/// </summary>
public sealed record CostKey(string Name, string Description);
