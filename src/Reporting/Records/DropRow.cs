namespace NetSim.Reporting.Records;

/// <summary>Packets dropped, by reason (drops.csv).</summary>
public sealed record DropRow(string Datapath, string Reason, long Packets);
