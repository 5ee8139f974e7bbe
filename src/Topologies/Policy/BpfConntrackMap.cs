using NetSim.Engine.Addressing;

namespace NetSim.Topologies.Policy;

/// <summary>
/// The connection-tracking map of an eBPF dataplane (Cilium's cilium_ct4_global, Calico's cali_v4_ct): one entry per
/// connection and direction a policy program let through, so the connection's later packets and its replies skip
/// the policy lookup. Keyed by the 5-tuple as first seen and the direction (egress of the source endpoint, ingress of
/// the destination endpoint), as Cilium's CT_EGRESS / CT_INGRESS entries. Entries are not aged (runs are short).
/// </summary>
public sealed class BpfConntrackMap
{
    private readonly HashSet<CtKey> _entries = new();

    public int Count => _entries.Count;

    /// <summary>Whether the packet belongs to a connection already let through in <paramref name="d"/> (or is a reply of one let through the other way).</summary>
    public bool Established(PolicyDirection d, Ipv4Address src, Ipv4Address dst, byte protocol, ushort sport, ushort dport, out int lookups)
    {
        lookups = 1;
        if (_entries.Contains(new CtKey(src, dst, protocol, sport, dport, d))) return true;
        lookups = 2;
        var other = d == PolicyDirection.Ingress ? PolicyDirection.Egress : PolicyDirection.Ingress;
        return _entries.Contains(new CtKey(dst, src, protocol, dport, sport, other));
    }

    public void Create(PolicyDirection d, Ipv4Address src, Ipv4Address dst, byte protocol, ushort sport, ushort dport) =>
        _entries.Add(new CtKey(src, dst, protocol, sport, dport, d));

    private readonly record struct CtKey(Ipv4Address Src, Ipv4Address Dst, byte Protocol, ushort Sport, ushort Dport, PolicyDirection Direction);
}
