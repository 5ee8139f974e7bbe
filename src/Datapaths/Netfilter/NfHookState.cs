using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Netfilter;

/// <summary>
/// struct nf_hook_state plus what one pass of a packet through a hook accumulates: the cost charged so far, the
/// rules evaluated, and the verdict with its drop reason or REJECT kind. A hook function may replace
/// <see cref="Packet"/> (reassembly hands back the whole datagram).
/// </summary>
public struct NfHookState
{
    public Packet Packet;
    public NfInetHook Hook;
    public NetDevice? In;
    public NetDevice? Out;
    public NetworkNamespace Namespace;
    /// <summary>Picoseconds of work the caller will charge for this hop, including this hook's.</summary>
    public long CostPs;
    public int RulesEvaluated;
    /// <summary>Of those, rules nft_do_chain evaluated (nf_tables: iptables-nft's or native nftables rules), each paying <c>nftables.rule</c>.</summary>
    public int NftRulesEvaluated;
    /// <summary>Of those, rules tested after their table walk outgrew the core's L2 (each pays <c>netfilter.rule_l2_miss</c>).</summary>
    public int RulesBeyondL2;
    public NfVerdict Verdict;
    public DropReason DropReason;
    public RejectWith RejectWith;
    /// <summary>Index of the packet's outermost IPv4 header and of its transport header (-1 if none), set per table pass.</summary>
    public int IpIndex;
    public int TransportIndex;
    /// <summary>For a bridged frame (br_netfilter): the bridge ports it came in on and goes out of (-m physdev); null when routed or not yet known.</summary>
    public NetDevice? PhysIn;
    public NetDevice? PhysOut;

    public NfHookState(NetworkNamespace ns, NfInetHook hook, Packet packet, NetDevice? inDevice, NetDevice? outDevice, long costPs)
    {
        Namespace = ns;
        Hook = hook;
        Packet = packet;
        In = inDevice;
        Out = outDevice;
        CostPs = costPs;
        RulesEvaluated = 0;
        NftRulesEvaluated = 0;
        RulesBeyondL2 = 0;
        Verdict = NfVerdict.Accept;
        DropReason = DropReason.NetfilterDrop;
        RejectWith = RejectWith.IcmpPortUnreachable;
        IpIndex = -1;
        TransportIndex = -1;
        PhysIn = null;
        PhysOut = null;
    }
}
