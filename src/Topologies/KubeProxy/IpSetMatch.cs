using NetSim.Datapaths.Common;
using NetSim.Datapaths.Netfilter;
using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;

namespace NetSim.Topologies.KubeProxy;

/// <summary>
/// "-m set --match-set NAME dst | src | dst,dst | dst,dst,src": one hash lookup in <see cref="Set"/>, on the fields its
/// type defines. Costs one rule evaluation like any match (plus one <c>ipset.lookup</c> with <see cref="ChargeLookup"/>), independent of the set's size.
/// </summary>
public sealed class IpSetMatch(IpSet set) : NfMatch
{
    public IpSet Set { get; } = set;

    /// <summary>"src" instead of "dst" for a hash:ip or hash:net set (a NetworkPolicy's ingress peers are sources).</summary>
    public bool MatchSource { get; init; }

    /// <summary>
    /// Charge <c>ipset.lookup</c> for the test. Off for kube-proxy's IPVS-mode sets: their lookups are inside the
    /// fitted <c>ipvs.lookup</c>, which carries all the IPVS work that has no element of its own; on for policy sets.
    /// </summary>
    public bool ChargeLookup { get; init; }

    protected override bool Matches(ref NfHookState state)
    {
        Packet p = state.Packet;
        ref Ipv4Header ip = ref p.Layer(state.IpIndex).Ipv4;
        if (ChargeLookup) state.CostPs += state.Namespace.Costs.IpsetLookup.For(p.Length);
        if (Set.Type == IpSetType.HashNet) return Set.ContainsNet(MatchSource ? ip.Source : ip.Destination);
        if (Set.Type == IpSetType.HashIp) return Set.Contains(MatchSource ? ip.Source : ip.Destination, 0, 0, default);
        if (!PacketFields.TryGetPorts(p, state.TransportIndex, out _, out ushort dport)) return false;
        return Set.Type switch
        {
            IpSetType.BitmapPort => Set.Contains(Ipv4Address.Any, 0, dport, default),
            IpSetType.HashIpPort => Set.Contains(ip.Destination, ip.Protocol, dport, default),
            _ => Set.Contains(ip.Destination, ip.Protocol, dport, ip.Source),
        };
    }

    public override string ToString() => $"match-set {Set.Name}";
}
