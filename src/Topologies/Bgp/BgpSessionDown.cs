namespace NetSim.Topologies.Bgp;

/// <summary>A peer's session dropped (hold timer expired): forget what it told us.</summary>
public sealed record BgpSessionDown(BgpSpeaker Peer);
