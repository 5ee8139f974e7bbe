using NetSim.Engine.Addressing;

namespace NetSim.Topologies.Policy;

/// <summary>
/// One endpoint's policy map for one direction, as an eBPF agent compiles it: allowed (peer identity, protocol,
/// port range) entries, entries for any peer, and CIDR entries for ipBlock peers. A non-isolated direction has one
/// allow-all entry. Lookups allocate nothing.
/// </summary>
public sealed class EndpointPolicyMap
{
    private readonly Dictionary<uint, List<PortEntry>> _byIdentity = new();
    private readonly List<PortEntry> _anyPeer = new();
    private readonly List<(IpBlock Block, PortEntry Port)> _cidrs = new();

    public bool Isolated { get; init; }
    public int Entries => _byIdentity.Values.Sum(l => l.Count) + _anyPeer.Count + _cidrs.Count;

    public void Allow(uint identity, PortEntry port)
    {
        if (!_byIdentity.TryGetValue(identity, out var list)) _byIdentity[identity] = list = new List<PortEntry>();
        if (!list.Contains(port)) list.Add(port);
    }

    public void AllowAnyPeer(PortEntry port)
    {
        if (!_anyPeer.Contains(port)) _anyPeer.Add(port);
    }

    public void AllowCidr(IpBlock block, PortEntry port) => _cidrs.Add((block, port));

    /// <summary>
    /// Whether the map allows a peer with <paramref name="identity"/> at <paramref name="remote"/>; CIDR entries apply
    /// when <paramref name="cidrApplies"/> (Cilium: only to addresses outside the cluster's endpoints).
    /// </summary>
    public bool Allows(uint identity, Ipv4Address remote, bool cidrApplies, byte protocol, ushort port)
    {
        if (!Isolated) return true;
        foreach (var e in _anyPeer)
            if (e.Matches(protocol, port)) return true;
        if (_byIdentity.TryGetValue(identity, out var list))
            foreach (var e in list)
                if (e.Matches(protocol, port)) return true;
        if (cidrApplies)
            foreach (var (block, e) in _cidrs)
                if (e.Matches(protocol, port) && block.Contains(remote)) return true;
        return false;
    }
}
