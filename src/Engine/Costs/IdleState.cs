namespace NetSim.Engine.Costs;

/// <summary>
/// One cpuidle state of a core (intel_idle's and acpi_idle's tables): how long waking from it takes
/// (<c>exit_latency</c>) and how long the core must stay idle for the governor to choose it (<c>target_residency</c>).
/// </summary>
public sealed record IdleState(string Name, long ExitLatencyPs, long TargetResidencyPs);
