using NetSim.Engine.Core;
using NetSim.Engine.Costs;

namespace NetSim.Datapaths.Tests.Fixtures;

/// <summary>
/// A deterministic cost profile with distinct round numbers (in ns), so every expected latency in the tests is a
/// hand-checkable sum of these constants.
/// </summary>
public static class TestCosts
{
    public const long NetifReceive = 500, IpReceive = 600, RouteLookup = 100, IpForward = 700, IpOutput = 200, NeighOutput = 300;
    public const long VethXmit = 400, BridgeForward = 800, BridgeFdbLookup = 50;
    public const long NetfilterHook = 90, NetfilterRule = 10, NftablesRule = 35, ConntrackLookup = 120, ConntrackInsert = 130, NatRewrite = 70, IcmpSend = 150;
    public const long VxlanEncap = 250, VxlanEncapPerBytePs = 1, VxlanDecap = 260, GeneveEncap = 270, GeneveDecap = 280;
    public const long IpipEncap = 210, IpipDecap = 220, WireGuardEncrypt = 500, WireGuardDecrypt = 510, WireGuardPerBytePs = 2;
    public const long WireGuardXmit = 150, WireGuardXmitPerBytePs = 3, WireGuardTxWorker = 160, WireGuardReceive = 170, WireGuardRxPoll = 180;
    public const long GsoSegment = 30, GroMerge = 20;
    public const long EspEncrypt = 700, EspDecrypt = 710, EspPerBytePs = 4;
    public const long BpfRun = 40, BpfRedirect = 60;

    /// <summary>Nanoseconds to picoseconds.</summary>
    public static long Ns(long ns) => ns * SimTime.PicosPerNanosecond;

    public static CostProfile Profile { get; } = new("test", new Dictionary<string, Cost>
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
        ["vxlan.encap"] = new(Ns(VxlanEncap), VxlanEncapPerBytePs * 1000),
        ["vxlan.decap"] = new(Ns(VxlanDecap), 0),
        ["geneve.encap"] = new(Ns(GeneveEncap), 0),
        ["geneve.decap"] = new(Ns(GeneveDecap), 0),
        ["ipip.encap"] = new(Ns(IpipEncap), 0),
        ["ipip.decap"] = new(Ns(IpipDecap), 0),
        ["wireguard.encrypt"] = new(Ns(WireGuardEncrypt), WireGuardPerBytePs * 1000),
        ["wireguard.decrypt"] = new(Ns(WireGuardDecrypt), WireGuardPerBytePs * 1000),
        ["wireguard.xmit"] = new(Ns(WireGuardXmit), WireGuardXmitPerBytePs * 1000),
        ["wireguard.tx_worker"] = new(Ns(WireGuardTxWorker), 0),
        ["wireguard.receive"] = new(Ns(WireGuardReceive), 0),
        ["wireguard.rx_poll"] = new(Ns(WireGuardRxPoll), 0),
        ["gso.segment"] = new(Ns(GsoSegment), 0),
        ["esp.encrypt"] = new(Ns(EspEncrypt), EspPerBytePs * 1000),
        ["esp.decrypt"] = new(Ns(EspDecrypt), EspPerBytePs * 1000),
        ["gro.merge"] = new(Ns(GroMerge), 0),
        ["bpf.program"] = new(Ns(BpfRun), 0),
        ["bpf.redirect"] = new(Ns(BpfRedirect), 0),
    });
}
