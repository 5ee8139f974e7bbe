using NetSim.Traffic.Metrics;

namespace NetSim.Traffic.Applications;

/// <summary>Live counters of one application instance (all its connections); <see cref="Snapshot"/> gives a plain record.</summary>
public sealed class ApplicationMetrics
{
    private readonly List<int> _flowIds = new();
    private readonly List<IntervalRecord> _intervals = new();

    public ApplicationMetrics(string name, string kind, ILatencyRecorder transactionLatency, ILatencyRecorder connectLatency)
    {
        Name = name;
        Kind = kind;
        TransactionLatency = transactionLatency;
        ConnectLatency = connectLatency;
    }

    public string Name { get; }
    public string Kind { get; }
    public long StartPs = -1;
    public long EndPs = -1;
    public long Transactions;
    public long BytesSent;
    public long BytesReceived;
    public long PacketsSent;
    public long PacketsReceived;
    public long ConnectFailures;
    public long ConnectionsOpened;
    /// <summary>Requests that got no answer in time (ping's lost echoes); 0 for applications that retransmit.</summary>
    public long Lost;
    /// <summary>Per transaction: request sent to response fully read (or, for one-way flows, to the last byte read by the server).</summary>
    public ILatencyRecorder TransactionLatency { get; }
    /// <summary>Per connection: connect() to established.</summary>
    public ILatencyRecorder ConnectLatency { get; }
    /// <summary>Per name lookup (getaddrinfo() called to returned), for traffic that resolves a name; null otherwise.</summary>
    public ILatencyRecorder? DnsLatency { get; set; }
    /// <summary>Resolver waits that ended in its timeout (a query or reply lost).</summary>
    public long DnsTimeouts;
    /// <summary>Per transaction of a client that resolves its server's name: request written (or connection established, if later) to response read; null otherwise.</summary>
    public ILatencyRecorder? TransferLatency { get; set; }
    public IReadOnlyList<int> FlowIds => _flowIds;
    public IReadOnlyList<IntervalRecord> Intervals => _intervals;

    internal void AddFlow(int flowId) => _flowIds.Add(flowId);

    internal void AddInterval(IntervalRecord interval) => _intervals.Add(interval);

    public ApplicationRecord Snapshot(long nowPs)
    {
        long end = EndPs >= 0 ? EndPs : nowPs;
        double seconds = StartPs >= 0 ? Math.Max(0, end - StartPs) / 1e12 : 0;
        return new ApplicationRecord(Name, Kind, StartPs, end, Transactions, seconds > 0 ? Transactions / seconds : 0,
            BytesSent, BytesReceived, seconds > 0 ? BytesReceived * 8 / seconds : 0, PacketsSent, PacketsReceived,
            ConnectionsOpened, ConnectFailures, LatencySummary.From(TransactionLatency), LatencySummary.From(ConnectLatency),
            _intervals.ToArray(), _flowIds.ToArray())
        {
            Lost = Lost,
            DnsLatency = DnsLatency is null ? null : LatencySummary.From(DnsLatency),
            DnsTimeouts = DnsTimeouts,
            TransferLatency = TransferLatency is null ? null : LatencySummary.From(TransferLatency),
        };
    }
}

/// <summary>One reporting interval of an application (iperf3's per-second lines).</summary>
public sealed record IntervalRecord(long StartPs, long EndPs, long Bytes, double BitsPerSecond, long Transactions, long PacketsSent, long PacketsReceived);

/// <summary>An application's results as plain values.</summary>
/// <param name="BytesReceived">Application bytes delivered to the receiving side (goodput numerator).</param>
public sealed record ApplicationRecord(
    string Name,
    string Kind,
    long StartPs,
    long EndPs,
    long Transactions,
    double TransactionsPerSecond,
    long BytesSent,
    long BytesReceived,
    double GoodputBitsPerSecond,
    long PacketsSent,
    long PacketsReceived,
    long ConnectionsOpened,
    long ConnectFailures,
    LatencySummary TransactionLatency,
    LatencySummary ConnectLatency,
    IReadOnlyList<IntervalRecord> Intervals,
    IReadOnlyList<int> FlowIds)
{
    /// <summary>Requests that got no answer in time (ping's lost echoes).</summary>
    public long Lost { get; init; }
    /// <summary>Name lookups (DNS time of each transaction), for traffic that resolves a name.</summary>
    public LatencySummary? DnsLatency { get; init; }
    /// <summary>Resolver timeouts (each a 5 s stall by default).</summary>
    public long DnsTimeouts { get; init; }
    /// <summary>The transfer part of each transaction (after DNS and connect), for traffic that resolves a name.</summary>
    public LatencySummary? TransferLatency { get; init; }
}
