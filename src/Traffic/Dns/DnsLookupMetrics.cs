namespace NetSim.Traffic.Dns;

/// <summary>What a stub resolver did: lookups, the queries it sent, the ones that timed out and the lookups that failed.</summary>
public sealed class DnsLookupMetrics
{
    public long Lookups;
    public long QueriesSent;
    /// <summary>Waits that ended in the resolver's timeout (a query or its reply was lost: the 5 s stalls).</summary>
    public long Timeouts;
    public long Failures;
}
