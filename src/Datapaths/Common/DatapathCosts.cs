using NetSim.Datapaths.Netfilter;
using NetSim.Engine.Costs;

namespace NetSim.Datapaths.Common;

/// <summary>
/// The costs the Linux datapath elements charge, resolved once from a node's profile (never looked up by name per
/// packet). One instance per network namespace; all elements of the namespace share it.
/// </summary>
public sealed class DatapathCosts
{
    public DatapathCosts(CostProfile profile)
    {
        NetifReceive = profile[CostKeys.NetifReceive];
        IpReceive = profile[CostKeys.IpReceive];
        IpForward = profile[CostKeys.IpForward];
        IpOutput = profile[CostKeys.IpOutput];
        RouteLookup = profile[CostKeys.RouteLookup];
        FibRule = profile[CostKeys.FibRule];
        NeighOutput = profile[CostKeys.NeighOutput];
        IcmpSend = profile[CostKeys.IcmpSend];
        NetfilterHook = profile[CostKeys.NetfilterHook];
        NetfilterRule = profile[CostKeys.NetfilterRule];
        NetfilterRuleL2Miss = profile[CostKeys.NetfilterRuleL2Miss];
        NftablesRule = profile[CostKeys.NftablesRule];
        IptRulesInL2 = profile.L2CacheBytes > 0 ? profile.L2CacheBytes / IptTable.EntryBytesTouched : long.MaxValue;
        ConntrackLookup = profile[CostKeys.ConntrackLookup];
        ConntrackInsert = profile[CostKeys.ConntrackInsert];
        NatRewrite = profile[CostKeys.NatRewrite];
        VethXmit = profile[CostKeys.VethXmit];
        MacvlanXmit = profile[CostKeys.MacvlanXmit];
        MacvlanRx = profile[CostKeys.MacvlanRx];
        RpsSteer = profile[CostKeys.RpsSteer];
        BridgeForward = profile[CostKeys.BridgeForward];
        BridgeFdbLookup = profile[CostKeys.BridgeFdbLookup];
        VxlanEncap = profile[CostKeys.VxlanEncap];
        VxlanDecap = profile[CostKeys.VxlanDecap];
        GeneveEncap = profile[CostKeys.GeneveEncap];
        GeneveDecap = profile[CostKeys.GeneveDecap];
        IpipEncap = profile[CostKeys.IpipEncap];
        IpipDecap = profile[CostKeys.IpipDecap];
        WireGuardXmit = profile[CostKeys.WireGuardXmit];
        WireGuardEncrypt = profile[CostKeys.WireGuardEncrypt];
        WireGuardTxWorker = profile[CostKeys.WireGuardTxWorker];
        WireGuardReceive = profile[CostKeys.WireGuardReceive];
        WireGuardDecrypt = profile[CostKeys.WireGuardDecrypt];
        WireGuardRxPoll = profile[CostKeys.WireGuardRxPoll];
        EspEncrypt = profile[CostKeys.EspEncrypt];
        EspDecrypt = profile[CostKeys.EspDecrypt];
        OvsProcess = profile[CostKeys.OvsProcess];
        OvsFlowLookup = profile[CostKeys.OvsFlowLookup];
        GsoSegment = profile[CostKeys.GsoSegment];
        GroMerge = profile[CostKeys.GroMerge];
        ChecksumSoftware = profile[CostKeys.ChecksumSoftware];
        BpfProgram = profile[CostKeys.BpfProgram];
        BpfRedirect = profile[CostKeys.BpfRedirect];
        BpfMapLookup = profile[CostKeys.BpfMapLookup];
        IpsetLookup = profile[CostKeys.IpsetLookup];
        AfPacketRcv = profile[CostKeys.AfPacketRcv];
        OvsUpcall = profile[CostKeys.OvsUpcall];
        SchedContextSwitch = profile[CostKeys.SchedContextSwitch];
        WeaveRouterFrame = profile[CostKeys.WeaveRouterFrame];
        NaclSecretbox = profile[CostKeys.NaclSecretbox];
        SocketSyscall = profile[CostKeys.SocketSyscall];
        SocketCopy = profile[CostKeys.SocketCopy];
        UdpTransmit = profile[CostKeys.UdpTransmit];
        UdpReceive = profile[CostKeys.UdpReceive];
    }

    public Cost BpfMapLookup { get; }
    public Cost IpsetLookup { get; }

    public Cost NetifReceive { get; }
    public Cost IpReceive { get; }
    public Cost IpForward { get; }
    public Cost IpOutput { get; }
    public Cost RouteLookup { get; }
    /// <summary>One policy-routing rule tested (charged only in namespaces that have added rules).</summary>
    public Cost FibRule { get; }
    public Cost NeighOutput { get; }
    public Cost IcmpSend { get; }
    public Cost NetfilterHook { get; }
    public Cost NetfilterRule { get; }
    public Cost NetfilterRuleL2Miss { get; }
    public Cost NftablesRule { get; }
    /// <summary>
    /// How many rules one iptables walk can test before its entries no longer fit in the core's L2 (the profile's
    /// l2_cache over the bytes a tested rule touches); unlimited when the profile does not model the cache.
    /// </summary>
    public long IptRulesInL2 { get; }
    public Cost ConntrackLookup { get; }
    public Cost ConntrackInsert { get; }
    public Cost NatRewrite { get; }
    public Cost VethXmit { get; }
    public Cost MacvlanXmit { get; }
    public Cost MacvlanRx { get; }
    public Cost RpsSteer { get; }
    public Cost BridgeForward { get; }
    public Cost BridgeFdbLookup { get; }
    public Cost VxlanEncap { get; }
    public Cost VxlanDecap { get; }
    public Cost GeneveEncap { get; }
    public Cost GeneveDecap { get; }
    public Cost IpipEncap { get; }
    public Cost IpipDecap { get; }
    public Cost WireGuardXmit { get; }
    public Cost WireGuardEncrypt { get; }
    public Cost WireGuardTxWorker { get; }
    public Cost WireGuardReceive { get; }
    public Cost WireGuardDecrypt { get; }
    public Cost WireGuardRxPoll { get; }
    public Cost EspEncrypt { get; }
    public Cost EspDecrypt { get; }
    public Cost OvsProcess { get; }
    public Cost OvsFlowLookup { get; }
    /// <summary>Software segmentation of one segment (skb_segment), for devices that segment before their driver work.</summary>
    public Cost GsoSegment { get; }
    public Cost GroMerge { get; }
    /// <summary>A checksum computed in software, per byte (also a copy that checksums as it goes: skb_copy_and_csum_bits).</summary>
    public Cost ChecksumSoftware { get; }
    public Cost BpfProgram { get; }
    public Cost BpfRedirect { get; }
    public Cost AfPacketRcv { get; }
    public Cost OvsUpcall { get; }
    public Cost SchedContextSwitch { get; }
    public Cost WeaveRouterFrame { get; }
    public Cost NaclSecretbox { get; }
    /// <summary>A system call of a datapath's own process (Weave's router): the same socket.syscall the applications pay.</summary>
    public Cost SocketSyscall { get; }
    public Cost SocketCopy { get; }
    public Cost UdpTransmit { get; }
    public Cost UdpReceive { get; }
}
