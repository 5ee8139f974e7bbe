using NetSim.Engine.Core;
using NetSim.Engine.Costs;

namespace NetSim.Topologies.Tests.KubeProxy.Fixtures;

/// <summary>Distinct round costs (ns) so expected CPU times are hand-checkable sums.</summary>
public static class ProxyCosts
{
    public const long NetifReceive = 500, IpReceive = 600, RouteLookup = 100, IpForward = 700, IpOutput = 200, NeighOutput = 300;
    public const long VethXmit = 400, BridgeForward = 800, BridgeFdbLookup = 50;
    public const long NetfilterHook = 90, NetfilterRule = 10, NftablesRule = 15, ConntrackLookup = 120, ConntrackInsert = 130, NatRewrite = 70, IcmpSend = 150;
    public const long IpvsLookup = 170, NftablesLookup = 110, BpfRun = 40, BpfRedirect = 60;

    public static long Ns(long ns) => ns * SimTime.PicosPerNanosecond;

    public static CostProfile Profile { get; } = new("kube-proxy-test", new Dictionary<string, Cost>
    {
        ["netif.receive"] = new(Ns(NetifReceive), 0),
        ["ip.receive"] = new(Ns(IpReceive), 0),
        ["route.lookup"] = new(Ns(RouteLookup), 0),
        ["ip.forward"] = new(Ns(IpForward), 0),
        ["ip.output"] = new(Ns(IpOutput), 0),
        ["neigh.output"] = new(Ns(NeighOutput), 0),
        ["veth.xmit"] = new(Ns(VethXmit), 0),
        ["bridge.forward"] = new(Ns(BridgeForward), 0),
        ["bridge.fdb_lookup"] = new(Ns(BridgeFdbLookup), 0),
        ["netfilter.hook"] = new(Ns(NetfilterHook), 0),
        ["netfilter.rule"] = new(Ns(NetfilterRule), 0),
        ["nftables.rule"] = new(Ns(NftablesRule), 0),
        ["conntrack.lookup"] = new(Ns(ConntrackLookup), 0),
        ["conntrack.insert"] = new(Ns(ConntrackInsert), 0),
        ["nat.rewrite"] = new(Ns(NatRewrite), 0),
        ["icmp.send"] = new(Ns(IcmpSend), 0),
        ["ipvs.lookup"] = new(Ns(IpvsLookup), 0),
        ["nftables.lookup"] = new(Ns(NftablesLookup), 0),
        ["bpf.program"] = new(Ns(BpfRun), 0),
        ["bpf.redirect"] = new(Ns(BpfRedirect), 0),
    });
}
