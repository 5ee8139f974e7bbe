using System.Globalization;
using NetSim.Datapaths.Common;
using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Conntrack;

/// <summary>
/// struct nf_conntrack_tuple: the 5-tuple of one direction of a connection. For ICMP echo the identifier is held
/// in <see cref="SourcePort"/> in both directions (the kernel keys ICMP on id, type and code).
/// </summary>
public readonly struct ConntrackTuple : IEquatable<ConntrackTuple>
{
    public ConntrackTuple(Ipv4Address source, Ipv4Address destination, ushort sourcePort, ushort destinationPort, byte protocol)
    {
        Source = source;
        Destination = destination;
        SourcePort = sourcePort;
        DestinationPort = destinationPort;
        Protocol = protocol;
    }

    public Ipv4Address Source { get; }
    public Ipv4Address Destination { get; }
    public ushort SourcePort { get; }
    public ushort DestinationPort { get; }
    public byte Protocol { get; }

    /// <summary>nf_ct_invert_tuple: the tuple a reply would carry.</summary>
    public ConntrackTuple Invert() => Protocol == Ipv4Header.ProtocolIcmp
        ? new(Destination, Source, SourcePort, DestinationPort, Protocol)
        : new(Destination, Source, DestinationPort, SourcePort, Protocol);

    public ConntrackTuple WithSource(Ipv4Address address, ushort port) => new(address, Destination, port, DestinationPort, Protocol);
    public ConntrackTuple WithDestination(Ipv4Address address, ushort port) => new(Source, address, SourcePort, port, Protocol);

    /// <summary>
    /// The tuple of the IPv4 header at <paramref name="ipIndex"/> and its transport header; false when it has none
    /// to key on (a non-first fragment of TCP/UDP, an ICMP message that is not an echo).
    /// </summary>
    public static bool TryFrom(Packet p, int ipIndex, out ConntrackTuple tuple)
    {
        ref Ipv4Header ip = ref p.Layer(ipIndex).Ipv4;
        tuple = default;
        int l4 = PacketFields.TransportIndex(p, ipIndex);
        switch (ip.Protocol)
        {
            case Ipv4Header.ProtocolTcp or Ipv4Header.ProtocolUdp or Ipv4Header.ProtocolSctp:
                if (!PacketFields.TryGetPorts(p, l4, out ushort sp, out ushort dp)) return false;
                tuple = new(ip.Source, ip.Destination, sp, dp, ip.Protocol);
                return true;
            case Ipv4Header.ProtocolIcmp:
                if (l4 < 0) return false;
                ref IcmpHeader icmp = ref p.Layer(l4).Icmp;
                if (icmp.Type is not (IcmpHeader.EchoRequest or IcmpHeader.EchoReply)) return false;
                tuple = new(ip.Source, ip.Destination, icmp.Identifier, 0, ip.Protocol);
                return true;
            default:
                if (ip.FragmentOffset != 0) return false;
                tuple = new(ip.Source, ip.Destination, 0, 0, ip.Protocol);
                return true;
        }
    }

    public bool Equals(ConntrackTuple other) =>
        Source == other.Source && Destination == other.Destination && SourcePort == other.SourcePort &&
        DestinationPort == other.DestinationPort && Protocol == other.Protocol;

    public override bool Equals(object? obj) => obj is ConntrackTuple t && Equals(t);

    public override int GetHashCode()
    {
        uint h = StableHash.Combine(Source.Value, Destination.Value);
        h = StableHash.Combine(h, ((uint)SourcePort << 16) | DestinationPort);
        return (int)StableHash.Combine(h, Protocol);
    }

    public static bool operator ==(ConntrackTuple a, ConntrackTuple b) => a.Equals(b);
    public static bool operator !=(ConntrackTuple a, ConntrackTuple b) => !a.Equals(b);

    public override string ToString() => Protocol switch
    {
        Ipv4Header.ProtocolTcp => $"tcp src={Source} dst={Destination} sport={SourcePort} dport={DestinationPort}",
        Ipv4Header.ProtocolUdp => $"udp src={Source} dst={Destination} sport={SourcePort} dport={DestinationPort}",
        Ipv4Header.ProtocolSctp => $"sctp src={Source} dst={Destination} sport={SourcePort} dport={DestinationPort}",
        Ipv4Header.ProtocolIcmp => $"icmp src={Source} dst={Destination} id={SourcePort}",
        _ => string.Create(CultureInfo.InvariantCulture, $"proto {Protocol} src={Source} dst={Destination}"),
    };
}
