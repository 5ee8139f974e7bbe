namespace NetSim.Reporting.Records;

/// <summary>
/// One change to the cluster during a run (events.csv): a scenario event or the control plane's response to one,
/// at its simulation time (milliseconds from the start of the run).
/// </summary>
public sealed record EventRow(string Datapath, double AtMs, string Kind, string Target, string What);
