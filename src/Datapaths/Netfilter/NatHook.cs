using NetSim.Datapaths.Common;
using NetSim.Datapaths.Conntrack;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Netfilter;

/// <summary>
/// nf_nat_ipv4_fn at one hook: the first packet of a connection (NEW) runs the nat table's chain, which may bind a
/// translation; a connection no rule translated gets a null binding so its later packets never see the nat table.
/// Every packet of a translated connection is then rewritten (<c>nat.rewrite</c>), replies un-NATed, and ICMP
/// errors about it translated inside and out.
/// </summary>
internal sealed class NatHook(IptTable nat, NfInetHook hook, NatManipType manip) : INetfilterHook
{
    public bool HasRules(NfInetHook h) => nat.HasRules(hook);

    public NfVerdict Hook(ref NfHookState state)
    {
        Packet p = state.Packet;
        if (p.Conntrack is not ConntrackRef { Entry: { } e } r) return NfVerdict.Accept;
        if (r.Related)
        {
            int ip = p.IndexOfOuter(HeaderKind.Ipv4);
            if (PacketFields.CarriesIcmpError(p, ip) && NfNat.IcmpReply(p, e, r.Direction, manip))
                state.CostPs += state.Namespace.Costs.NatRewrite.For(p.Length);
            return NfVerdict.Accept;
        }
        if (r.Info == ConntrackInfo.New && !e.NatInitialized(manip))
        {
            NfVerdict v = nat.Traverse(hook, ref state);
            if (v != NfVerdict.Accept) return v;
            if (!e.NatInitialized(manip)) NfNat.NullBinding(e, manip);
        }
        string? before = p.Trace is null ? null : Endpoints(p, state.IpIndex, state.TransportIndex);
        if (NfNat.Packet(p, e, r.Direction, manip))
        {
            state.CostPs += state.Namespace.Costs.NatRewrite.For(p.Length);
            if (before is not null) Note(ref state, before);
        }
        return NfVerdict.Accept;
    }

    /// <summary>Records the translation in a traced packet's walk: "DNAT 10.96.0.31:80→192.168.11.65:8080".</summary>
    private void Note(ref NfHookState state, string before)
    {
        Packet p = state.Packet;
        string after = Endpoints(p, state.IpIndex, state.TransportIndex);
        string what = manip == NatManipType.Destination ? "DNAT" : "SNAT";
        p.Trace!.Note($"{what} {before}→{after}");
    }

    /// <summary>"src:sport→dst:dport" of the packet, or the addresses alone without ports.</summary>
    private string Endpoints(Packet p, int ip, int transport)
    {
        ref Ipv4Header h = ref p.Layer(ip).Ipv4;
        bool dst = manip == NatManipType.Destination;
        var addr = dst ? h.Destination : h.Source;
        return PacketFields.TryGetPorts(p, transport, out ushort sp, out ushort dp) ? $"{addr}:{(dst ? dp : sp)}" : addr.ToString();
    }

    public override string ToString() => $"nat {hook}";
}
