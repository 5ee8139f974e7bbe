using NetSim.Datapaths.Common;
using NetSim.Datapaths.Netfilter;
using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;

namespace NetSim.Topologies.KubeProxy;

/// <summary>
/// "-m set --match-set NAME dst | dst,dst | dst,dst,src": one hash lookup in <see cref="Set"/>, on the fields its
/// type defines. Costs one rule evaluation like any match, independent of the set's size.
/// </summary>
public sealed class IpSetMatch(IpSet set) : NfMatch
{
    public IpSet Set { get; } = set;

    protected override bool Matches(ref NfHookState state)
    {
        Packet p = state.Packet;
        ref Ipv4Header ip = ref p.Layer(state.IpIndex).Ipv4;
        if (Set.Type == IpSetType.HashIp) return Set.Contains(ip.Destination, 0, 0, default);
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
