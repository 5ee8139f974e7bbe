using NetSim.Engine.Addressing;

namespace NetSim.Topologies.Policy;

/// <summary>
/// One endpoint's policy map for one direction, as an eBPF agent compiles it: allowed (peer identity, protocol,
/// port range) entries, entries for any peer, and CIDR entries for ipBlock / CIDR peers; and the same kinds of
/// entries as deny entries (Cilium's ingressDeny / egressDeny), which are looked up first and win. A non-isolated
/// direction allows whatever is not denied. Lookups allocate nothing.
/// </summary>
public sealed class EndpointPolicyMap
{
    private readonly PeerEntries _allow = new(), _deny = new();

    public bool Isolated { get; internal set; }
    public int Entries => _allow.Count + _deny.Count;

    public void Allow(uint identity, PortEntry port) => _allow.Add(identity, port);

    public void AllowAnyPeer(PortEntry port) => _allow.AddAnyPeer(port);

    public void AllowCidr(IpBlock block, PortEntry port) => _allow.AddCidr(block, port);

    public void Deny(uint identity, PortEntry port) => _deny.Add(identity, port);

    public void DenyAnyPeer(PortEntry port) => _deny.AddAnyPeer(port);

    public void DenyCidr(IpBlock block, PortEntry port) => _deny.AddCidr(block, port);

    /// <summary>
    /// Whether the map allows a peer with <paramref name="identity"/> at <paramref name="remote"/>; CIDR entries apply
    /// when <paramref name="cidrApplies"/> (Cilium: only to addresses outside the cluster's endpoints).
    /// </summary>
    public bool Allows(uint identity, Ipv4Address remote, bool cidrApplies, byte protocol, ushort port)
    {
        if (_deny.Matches(identity, remote, cidrApplies, protocol, port)) return false;
        return !Isolated || _allow.Matches(identity, remote, cidrApplies, protocol, port);
    }

    /// <summary>One kind of entries (allow or deny): by peer identity, for any peer, by CIDR.</summary>
    private sealed class PeerEntries
    {
        private readonly Dictionary<uint, List<PortEntry>> _byIdentity = new();
        private readonly List<PortEntry> _anyPeer = new();
        private readonly List<(IpBlock Block, PortEntry Port)> _cidrs = new();

        public int Count => _byIdentity.Values.Sum(l => l.Count) + _anyPeer.Count + _cidrs.Count;

        public void Add(uint identity, PortEntry port)
        {
            if (!_byIdentity.TryGetValue(identity, out var list)) _byIdentity[identity] = list = new List<PortEntry>();
            if (!list.Contains(port)) list.Add(port);
        }

        public void AddAnyPeer(PortEntry port)
        {
            if (!_anyPeer.Contains(port)) _anyPeer.Add(port);
        }

        public void AddCidr(IpBlock block, PortEntry port) => _cidrs.Add((block, port));

        public bool Matches(uint identity, Ipv4Address remote, bool cidrApplies, byte protocol, ushort port)
        {
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
}
