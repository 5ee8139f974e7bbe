using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Netfilter;

/// <summary>
/// "-j REJECT [--reject-with T]": drops the packet and answers it — an ICMP destination-unreachable, or a TCP RST
/// from the original destination (nf_send_reset / nf_send_unreach). Valid in INPUT, FORWARD and OUTPUT.
/// </summary>
public sealed class RejectTarget : NfTarget
{
    public RejectTarget(RejectWith with = RejectWith.IcmpPortUnreachable) => With = with;

    public RejectWith With { get; }

    public override NfTargetResult Execute(ref NfHookState state)
    {
        if (state.Hook is not (NfInetHook.LocalIn or NfInetHook.Forward or NfInetHook.LocalOut)) return NfTargetResult.Drop;
        // tcp-reset only answers TCP; the kernel's reject_tg falls back to dropping anything else.
        RejectWith with = With;
        if (with == RejectWith.TcpReset && (state.TransportIndex < 0 || state.Packet.Layer(state.TransportIndex).Kind != HeaderKind.Tcp))
            return NfTargetResult.Drop;
        state.RejectWith = with;
        return NfTargetResult.Reject;
    }

    public override string ToString() => $"REJECT {With}";
}
