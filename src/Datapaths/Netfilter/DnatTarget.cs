using NetSim.Datapaths.Conntrack;
using NetSim.Engine.Addressing;

namespace NetSim.Datapaths.Netfilter;

/// <summary>
/// "-j DNAT --to-destination addr[:port]" (nat PREROUTING/OUTPUT): binds the new connection's destination; the
/// packet and all later ones in both directions are rewritten by conntrack. Terminal: the nat table accepts.
/// </summary>
public sealed class DnatTarget : NfTarget
{
    public DnatTarget(Ipv4Address to, ushort port = 0, NatRangeOptions flags = NatRangeOptions.None) : this(NatRange.To(to, port, flags)) { }

    public DnatTarget(NatRange range) => Range = range;

    public NatRange Range { get; }
    public override bool RequiresConntrack => true;

    public override NfTargetResult Execute(ref NfHookState state)
    {
        if (state.Hook is not (NfInetHook.PreRouting or NfInetHook.LocalOut)) return NfTargetResult.Drop;
        if (state.Packet.Conntrack is ConntrackRef { Entry: { IsConfirmed: false } e } && !e.NatInitialized(NatManipType.Destination))
            NfNat.Setup(state.Namespace.Conntrack, e, NatManipType.Destination, Range);
        return NfTargetResult.Accept;
    }

    public override string ToString() => Range.HasPorts ? $"DNAT to:{Range.MinAddress}:{Range.MinPort}" : $"DNAT to:{Range.MinAddress}";
}
