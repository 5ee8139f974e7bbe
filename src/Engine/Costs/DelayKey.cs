namespace NetSim.Engine.Costs;

/// <summary>
/// A named hardware latency in a profile (e.g. "nic.rx_latency"): time that passes without CPU work, so it is
/// not scaled by the profile's CPU scale.
/// </summary>
public sealed record DelayKey(string Name, string Description);
