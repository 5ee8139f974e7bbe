namespace NetSim.Reporting.Records;

/// <summary>
/// One Service proxy sync of a run with events (proxy_syncs.csv): when it started, how long it took, the Service
/// ports and rules it programmed, the ports changed since the last one, and the longest wait of a Service it created
/// from creation to its first proxied packet (0 when it created none). Times in milliseconds from the run's start.
/// </summary>
public sealed record ProxySyncRow(string Datapath, string Mode, double StartMs, double SyncMs, int ServicePorts, int Rules, int ChangedPorts, int Nodes, double FirstPacketMs);
