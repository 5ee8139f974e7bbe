using NetSim.Engine.Addressing;
using NetSim.Engine.Core;

namespace NetSim.Topologies.Build.Cni;

/// <summary>
/// BIRD on <see cref="On"/> withdraws its route to <see cref="Prefix"/> (or, with <see cref="Relearned"/>, installs it
/// again) <see cref="After"/> the control-plane change that caused it.
/// </summary>
public sealed record BgpRouteChange(SimTime After, BuiltNode On, Ipv4Prefix Prefix, bool Relearned = false);
