using NetSim.Engine.Addressing;
using NetSim.Engine.Core;

namespace NetSim.Topologies.Build.Cni;

/// <summary>BIRD on <see cref="On"/> withdraws its route to <see cref="Prefix"/> <see cref="After"/> the failure that caused it.</summary>
public sealed record BgpWithdrawal(SimTime After, BuiltNode On, Ipv4Prefix Prefix);
