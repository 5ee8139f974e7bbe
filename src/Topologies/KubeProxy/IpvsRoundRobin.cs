using NetSim.Datapaths.Conntrack;

namespace NetSim.Topologies.KubeProxy;

/// <summary>ip_vs_rr: the destination after the previously chosen one (skipping weight 0), starting with the first.</summary>
internal sealed class IpvsRoundRobin : IpvsScheduler
{
    private int _last = -1;

    public override string Name => "rr";

    internal override IpvsRealServer? Schedule(IReadOnlyList<IpvsRealServer> destinations, in ConntrackTuple tuple, long now)
    {
        int n = destinations.Count;
        for (int k = 1; k <= n; k++)
        {
            int i = (_last + k) % n;
            if (destinations[i].Weight <= 0) continue;
            _last = i;
            return destinations[i];
        }
        return null;
    }

    internal override void DestinationsChanged(IReadOnlyList<IpvsRealServer> destinations) =>
        _last = Math.Min(_last, destinations.Count - 1);
}
