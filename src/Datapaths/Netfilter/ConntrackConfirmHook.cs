using NetSim.Datapaths.Conntrack;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Netfilter;

/// <summary>ipv4_confirm: nf_conntrack_confirm at POSTROUTING and INPUT, last of all (charges <c>conntrack.insert</c>).</summary>
internal sealed class ConntrackConfirmHook(ConntrackTable table) : INetfilterHook
{
    public bool HasRules(NfInetHook hook) => false;

    public NfVerdict Hook(ref NfHookState state)
    {
        if (table.Confirm(state.Packet, out bool inserted))
        {
            if (inserted) state.CostPs += state.Namespace.Costs.ConntrackInsert.For(state.Packet.Length);
            return NfVerdict.Accept;
        }
        state.DropReason = DropReason.ConntrackInsertFailed;
        return NfVerdict.Drop;
    }

    public override string ToString() => "conntrack confirm";
}
