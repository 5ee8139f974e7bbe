namespace NetSim.Reporting.Records;

/// <summary>
/// One traffic group's headline numbers (summary.csv and the printed table): throughput, latency percentiles,
/// transactions per second, retransmissions, drops. A value the group does not have (a stream's latency) is null,
/// an empty cell in summary.csv and "—" on the terminal. The last columns measure disruption (issue 19): the longest
/// time any of the group's flows went without a delivery, retransmission timeouts, connections that failed, and the
/// slowest transaction (during an outage, the outage itself), and TCP connections whose peer never answered (a SYN
/// into a dead backend: still retrying, or given up).
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
    long? DnsTimeouts = null,
    double LongestGapUs = 0,
    long Timeouts = 0,
    long ConnectFailures = 0,
    double? MaxLatencyUs = null,
    long UnansweredConnections = 0);
