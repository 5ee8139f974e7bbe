using NetSim.Datapaths.Conntrack;

namespace NetSim.Topologies.KubeProxy;

/// <summary>
/// ip_vs_sed: the destination minimising (activeconns + 1) / weight. ip_vs_nq (never queue) first takes any idle
/// destination (no active connections), and falls back to sed.
/// </summary>
internal sealed class IpvsShortestExpectedDelay(bool neverQueue) : IpvsScheduler
{
    public override string Name => neverQueue ? "nq" : "sed";

    internal override IpvsRealServer? Schedule(IReadOnlyList<IpvsRealServer> destinations, in ConntrackTuple tuple, long now)
    {
        IpvsRealServer? least = null;
        long leastOverhead = 0;
        foreach (IpvsRealServer d in destinations)
        {
            if (d.Weight <= 0) continue;
            long overhead = d.Connections(now).Active + 1;
            if (neverQueue && overhead == 1) return d;
            // overhead/weight < leastOverhead/leastWeight, compared without division as the kernel does.
            if (least is null || overhead * least.Weight < leastOverhead * d.Weight)
            {
                least = d;
                leastOverhead = overhead;
            }
        }
        return least;
    }
}
