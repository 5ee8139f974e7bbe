using NetSim.Datapaths.Conntrack;

namespace NetSim.Datapaths.Netfilter;

/// <summary>ipv4_conntrack_in / ipv4_conntrack_local: nf_conntrack_in at PREROUTING and OUTPUT (charges <c>conntrack.lookup</c>).</summary>
internal sealed class ConntrackInHook(ConntrackTable table) : INetfilterHook
{
    public bool HasRules(NfInetHook hook) => false;

    public NfVerdict Hook(ref NfHookState state)
    {
        var p = state.Packet;
        if (table.IsActive && p.Conntrack is null) state.CostPs += state.Namespace.Costs.ConntrackLookup.For(p.Length);
        if (table.In(p, out var reason)) return NfVerdict.Accept;
        state.DropReason = reason;
        return NfVerdict.Drop;
    }

    public override string ToString() => "conntrack in";
}
