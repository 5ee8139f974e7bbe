namespace NetSim.Reporting.Records;

/// <summary>
/// One traffic group's headline numbers (summary.csv and the printed table): throughput, latency percentiles,
/// transactions per second, retransmissions, drops. A value the group does not have (a stream's latency) is null,
/// an empty cell in summary.csv and "—" on the terminal.
/// </summary>
public sealed record GroupSummary(
    string Datapath,
    string Group,
    string Kind,
    double GoodputGbps,
    double? P50Us,
    double? P90Us,
    double? P99Us,
    double? P999Us,
    double? TransactionsPerSecond,
    long Retransmissions,
    long Drops,
    double? CpuUsPerGbit,
    double? DnsP50Us = null,
    double? DnsP99Us = null,
    long? DnsTimeouts = null);
