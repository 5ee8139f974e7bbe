using NetSim.Datapaths.Conntrack;
using NetSim.Engine.Addressing;

namespace NetSim.Datapaths.Netfilter;

/// <summary>"-j SNAT --to-source addr[:ports] [--random|--random-fully]" (nat POSTROUTING/INPUT).</summary>
public sealed class SnatTarget : NfTarget
{
    public SnatTarget(Ipv4Address to, NatRangeOptions flags = NatRangeOptions.None) : this(NatRange.To(to, 0, flags)) { }

    public SnatTarget(NatRange range) => Range = range;

    public NatRange Range { get; }
    public override bool RequiresConntrack => true;

    public override NfTargetResult Execute(ref NfHookState state)
    {
        if (state.Hook is not (NfInetHook.PostRouting or NfInetHook.LocalIn)) return NfTargetResult.Drop;
        if (state.Packet.Conntrack is ConntrackRef { Entry: { IsConfirmed: false } e } && !e.NatInitialized(NatManipType.Source))
            NfNat.Setup(state.Namespace.Conntrack, e, NatManipType.Source, Range);
        return NfTargetResult.Accept;
    }

    public override string ToString() => $"SNAT to:{Range.MinAddress}";
}
