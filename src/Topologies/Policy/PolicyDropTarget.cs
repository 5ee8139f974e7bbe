using NetSim.Datapaths.Netfilter;
using NetSim.Engine.Packets;

namespace NetSim.Topologies.Policy;

/// <summary>"-j DROP" at the end of a policy agent's per-endpoint chain ("Drop if no policies passed packet"): counted as a policy drop.</summary>
public sealed class PolicyDropTarget : NfTarget
{
    public static PolicyDropTarget Instance { get; } = new();

    public override DropReason DropReason => DropReason.PolicyDenied;

    public override NfTargetResult Execute(ref NfHookState state) => NfTargetResult.Drop;

    public override string ToString() => "DROP";
}
