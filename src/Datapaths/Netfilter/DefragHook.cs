using NetSim.Datapaths.Conntrack;
using NetSim.Datapaths.Namespaces;

namespace NetSim.Datapaths.Netfilter;

/// <summary>
/// nf_defrag_ipv4 at PREROUTING (priority -400): when conntrack is active, fragments are reassembled before
/// conntrack sees them (it needs the ports); a forwarded datagram is fragmented again on output.
/// </summary>
internal sealed class DefragHook(ConntrackTable table, IpReassembler reassembler) : INetfilterHook
{
    public bool HasRules(NfInetHook hook) => false;

    public NfVerdict Hook(ref NfHookState state)
    {
        if (!table.IsActive || table.Mode == ConntrackMode.Off || !IpReassembler.IsFragment(state.Packet)) return NfVerdict.Accept;
        var whole = reassembler.Add(state.Packet, out bool duplicate);
        if (duplicate)
        {
            state.DropReason = Engine.Packets.DropReason.FragmentReassembly;
            return NfVerdict.Drop;
        }
        if (whole is null) return NfVerdict.Stolen;
        state.Packet = whole;
        return NfVerdict.Accept;
    }

    public override string ToString() => "defrag";
}
