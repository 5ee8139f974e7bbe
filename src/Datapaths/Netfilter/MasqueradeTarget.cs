using NetSim.Datapaths.Conntrack;
using NetSim.Engine.Addressing;

namespace NetSim.Datapaths.Netfilter;

/// <summary>
/// "-j MASQUERADE [--to-ports p[-q]] [--random|--random-fully]" (nat POSTROUTING): SNAT to the address the
/// output device would use toward the next hop (nf_nat_masquerade_ipv4 → inet_select_addr).
/// </summary>
public sealed class MasqueradeTarget : NfTarget
{
    public MasqueradeTarget(PortRange? toPorts = null, NatRangeOptions flags = NatRangeOptions.None)
    {
        ToPorts = toPorts;
        Flags = flags;
    }

    public PortRange? ToPorts { get; }
    public NatRangeOptions Flags { get; }
    public override bool RequiresConntrack => true;

    public override NfTargetResult Execute(ref NfHookState state)
    {
        if (state.Hook != NfInetHook.PostRouting || state.Out is null) return NfTargetResult.Drop;
        if (state.Packet.Conntrack is not ConntrackRef { Entry: { IsConfirmed: false } e } || e.NatInitialized(NatManipType.Source))
            return NfTargetResult.Accept;
        var ns = state.Namespace;
        Ipv4Address dst = state.Packet.Layer(state.IpIndex).Ipv4.Destination;
        Ipv4Address nextHop = ns.LookupRoute(dst)?.NextHop(dst) ?? dst;
        Ipv4Address src = ns.SelectSourceAddress(state.Out, nextHop);
        if (src == Ipv4Address.Any) return NfTargetResult.Drop; // no address on the device: masquerade drops
        var range = new NatRange(src, src, ToPorts?.Min ?? 0, ToPorts?.Max ?? 0, Flags);
        NfNat.Setup(ns.Conntrack, e, NatManipType.Source, range);
        return NfTargetResult.Accept;
    }

    public override string ToString() => "MASQUERADE";
}
