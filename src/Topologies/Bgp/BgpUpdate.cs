namespace NetSim.Topologies.Bgp;

/// <summary>One UPDATE in flight on a session: an announcement, or a withdrawal when <see cref="Withdraw"/> is set.</summary>
public sealed record BgpUpdate(BgpSpeaker From, BgpRoute Route, bool Withdraw);
