namespace NetSim.Topologies.Policy;

/// <summary>One Calico rule: an action, a protocol (0 = any) or a protocol it must not be, and the source and destination it matches.</summary>
public sealed record CalicoRule(CalicoAction Action, byte Protocol, byte NotProtocol, CalicoEntityRule Source, CalicoEntityRule Destination);
