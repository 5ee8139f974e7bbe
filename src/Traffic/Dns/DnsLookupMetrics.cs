namespace NetSim.Traffic.Dns;

/// <summary>What a stub resolver did: lookups, the queries it sent, the ones that timed out and the lookups that failed.</summary>
public sealed class DnsLookupMetrics
{
    public long Lookups;
    public long QueriesSent;
    /// <summary>Waits that ended in the resolver's timeout (a query or its reply was lost: the 5 s stalls).</summary>
    public long Timeouts;
    public long Failures;
    /// <summary>Truncated (TC) UDP answers that sent the resolver to TCP for the same name.</summary>
    public long TcpFallbacks;
    /// <summary>TCP connections to the nameserver (TC fallbacks and use-vc).</summary>
    public long TcpConnections;
    /// <summary>connect() calls to the nameserver that failed at once (no free ephemeral port, no route).</summary>
    public long ConnectFailures;
}
