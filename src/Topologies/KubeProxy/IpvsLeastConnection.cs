using NetSim.Datapaths.Conntrack;

namespace NetSim.Topologies.KubeProxy;

/// <summary>
/// ip_vs_lc: the destination with the least overhead, activeconns × 256 + inactconns (ip_vs_dest_conn_overhead);
/// the first of equals wins. Weights are ignored (that is wlc).
/// </summary>
internal sealed class IpvsLeastConnection : IpvsScheduler
{
    public override string Name => "lc";

    internal override IpvsRealServer? Schedule(IReadOnlyList<IpvsRealServer> destinations, in ConntrackTuple tuple, long now)
    {
        IpvsRealServer? least = null;
        long leastOverhead = long.MaxValue;
        foreach (IpvsRealServer d in destinations)
        {
            if (d.Weight <= 0) continue;
            var (active, inactive) = d.Connections(now);
            long overhead = ((long)active << 8) + inactive;
            if (overhead >= leastOverhead) continue;
            least = d;
            leastOverhead = overhead;
        }
        return least;
    }
}
