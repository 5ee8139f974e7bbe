using NetSim.Datapaths.Common;
using NetSim.Datapaths.Conntrack;
using NetSim.Topologies.KubeProxy;

namespace NetSim.Topologies.LoadBalancers;

/// <summary>
/// A cloud network load balancer's choice of backend for a new connection: a hash of the connection's 5-tuple over
/// the healthy backends (GCP's passthrough Network Load Balancer: "5-tuple hash" session affinity NONE by default;
/// AWS NLB: a flow hash of protocol, addresses and ports), so one connection stays on one node.
/// </summary>
internal sealed class CloudFlowHash : IpvsScheduler
{
    public override string Name => "flow-hash";

    internal override IpvsRealServer? Schedule(IReadOnlyList<IpvsRealServer> destinations, in ConntrackTuple tuple, long now)
    {
        if (destinations.Count == 0) return null;
        uint h = StableHash.Mix(tuple.Source.Value ^ StableHash.Mix(tuple.Destination.Value ^ StableHash.Mix(
            ((uint)tuple.SourcePort << 16 | tuple.DestinationPort) ^ tuple.Protocol)));
        return destinations[(int)(h % (uint)destinations.Count)];
    }
}
