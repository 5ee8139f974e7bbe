using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Devices;

/// <summary>
/// struct ipvl_port: the ipvlan slaves of one lower device, found by IP address (they all share the lower device's
/// MAC), and its rx_handler (ipvlan_handle_frame): a unicast IPv4 packet for a slave's address goes to that slave,
/// anything else passes to the lower device's own stack. In L2 mode ARP broadcasts from the wire reach the slaves
/// (ipvlan_multicast_enqueue), which answer with the shared MAC; in L3 mode slaves do no ARP.
/// </summary>
public sealed class IpvlanPort : IRxHandler
{
    private readonly List<IpvlanDevice> _slaves = new();

    private IpvlanPort(PhysicalDevice lower) => Lower = lower;

    public PhysicalDevice Lower { get; }
    public IReadOnlyList<IpvlanDevice> Slaves => _slaves;

    /// <summary>ipvlan_port_create: the lower device's port, created with its first slave; one mode per port, as the kernel keeps it.</summary>
    public static IpvlanPort Of(PhysicalDevice lower)
    {
        if (lower.RxHandler is IpvlanPort existing) return existing;
        if (lower.RxHandler is not null) throw new InvalidOperationException($"{lower.Name}: device or resource busy (another rx_handler)");
        var port = new IpvlanPort(lower);
        lower.RxHandler = port;
        return port;
    }

    internal void Add(IpvlanDevice slave)
    {
        if (_slaves.Count > 0 && _slaves[0].Mode != slave.Mode)
            throw new InvalidOperationException($"{Lower.Name}: its ipvlan port is in mode {_slaves[0].Mode}; all slaves share the port's mode");
        _slaves.Add(slave);
    }

    internal void Remove(IpvlanDevice slave) => _slaves.Remove(slave);

    /// <summary>ipvlan_addr_lookup: the slave holding <paramref name="ip"/>, or null.</summary>
    public IpvlanDevice? Lookup(Ipv4Address ip)
    {
        for (int i = 0; i < _slaves.Count; i++)
        {
            var addresses = _slaves[i].Addresses; // indexed: the hot path must not box an enumerator
            for (int j = 0; j < addresses.Count; j++)
                if (addresses[j].Address == ip) return _slaves[i];
        }
        return null;
    }

    bool IRxHandler.HandleFrame(Packet p, long ps)
    {
        if (p.TopKind != HeaderKind.Ethernet || p.Ethernet.Destination.IsMulticast) return false;
        if (!p.Has(HeaderKind.Ipv4) || Lookup(p.Ipv4.Destination) is not { } slave) return false;
        slave.DeliverFromLower(p, ps);
        return true;
    }

    public bool AnswerExternal(Ipv4Address target, MacAddress requester, out MacAddress mac)
    {
        mac = default;
        return _slaves.Count > 0 && _slaves[0].Mode == IpvlanMode.L2 && Lookup(target) is { } s && s.AnswerArp(target, requester, out mac);
    }

    /// <summary>The lower device's own transmissions never enter the slaves (a switch does not reflect to the ingress port).</summary>
    public bool ResolveFromLower(Ipv4Address target, MacAddress requester, out MacAddress mac)
    {
        mac = default;
        return false;
    }

    /// <summary>An L2 slave's ARP: its siblings hear the broadcast first (ipvlan_process_multicast), then the wire.</summary>
    internal bool Resolve(IpvlanDevice from, Ipv4Address target, MacAddress requester, out MacAddress mac)
    {
        if (Lookup(target) is { } sibling && sibling != from && sibling.AnswerArp(target, requester, out mac)) return true;
        return Lower.ResolveOnLinkAsLower(target, requester, out mac);
    }
}
