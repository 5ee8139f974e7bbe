using NetSim.Engine.Addressing;

namespace NetSim.Topologies.KubeProxy;

/// <summary>
/// An ipset: a hashed set of addresses/ports an iptables rule tests in one step ("-m set --match-set NAME ..."),
/// whatever its size — the constant-cost match IPVS mode relies on instead of one rule per Service.
/// </summary>
public sealed class IpSet
{
    private readonly HashSet<UInt128> _entries = new();

    public IpSet(string name, IpSetType type)
    {
        Name = name;
        Type = type;
    }

    public string Name { get; }
    public IpSetType Type { get; }
    public int Count => _entries.Count + _nets.Count;

    // hash:net keeps one hash per prefix length and tests each: a short list of the prefixes does the same work here.
    private readonly List<Ipv4Prefix> _nets = new();

    /// <summary>Adds a prefix to a hash:net set.</summary>
    public void AddNet(Ipv4Prefix prefix)
    {
        if (Type != IpSetType.HashNet) throw new InvalidOperationException($"{Name} is {Type}, not hash:net");
        if (!_nets.Contains(prefix)) _nets.Add(prefix);
    }

    /// <summary>Whether <paramref name="address"/> is in one of a hash:net set's prefixes.</summary>
    public bool ContainsNet(Ipv4Address address)
    {
        for (int i = 0; i < _nets.Count; i++)
            if (_nets[i].Contains(address)) return true;
        return false;
    }

    public void Clear()
    {
        _entries.Clear();
        _nets.Clear();
    }

    /// <summary>Adds an entry; fields the set's type does not use are ignored.</summary>
    public void Add(Ipv4Address address, byte protocol = 0, ushort port = 0, Ipv4Address address2 = default) =>
        _entries.Add(Key(address, protocol, port, address2));

    /// <summary>Whether a packet with these fields matches (the fields named by the set's match type).</summary>
    public bool Contains(Ipv4Address address, byte protocol, ushort port, Ipv4Address address2) =>
        _entries.Contains(Key(address, protocol, port, address2));

    private UInt128 Key(Ipv4Address a, byte protocol, ushort port, Ipv4Address b) => Type switch
    {
        IpSetType.HashIp => a.Value,
        IpSetType.HashIpPort => ((UInt128)a.Value << 24) | ((UInt128)protocol << 16) | port,
        IpSetType.HashIpPortIp => ((UInt128)a.Value << 56) | ((UInt128)protocol << 48) | ((UInt128)port << 32) | b.Value,
        _ => port,
    };

    public override string ToString() => $"{Name} ({Type}, {Count} entries)";
}
