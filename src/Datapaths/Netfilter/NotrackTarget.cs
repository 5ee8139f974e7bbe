using NetSim.Datapaths.Conntrack;

namespace NetSim.Datapaths.Netfilter;

/// <summary>"-t raw -j CT --notrack" (NOTRACK): the packet bypasses conntrack and is UNTRACKED.</summary>
public sealed class NotrackTarget : NfTarget
{
    public static NotrackTarget Instance { get; } = new();

    public override NfTargetResult Execute(ref NfHookState state)
    {
        state.Packet.Conntrack ??= ConntrackRef.Untracked;
        return NfTargetResult.Continue;
    }

    public override string ToString() => "CT notrack";
}
