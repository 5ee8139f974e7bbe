using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Routing;
using NetSim.Engine.Addressing;

namespace NetSim.Topologies.Build;

/// <summary>
/// ARP across the node network: on a shared segment every node's eth0 answers for its address; in a routed
/// fabric a node's gateway (its leaf switch) answers with the leaf port's MAC. Instant, as ARP is modelled.
/// </summary>
public sealed class ClusterArp : ILinkNeighbourResolver
{
    private readonly Dictionary<Ipv4Address, (PhysicalDevice Device, Ipv4Prefix Segment)> _hosts = new();
    private readonly Dictionary<Ipv4Address, MacAddress> _gateways = new();

    public void AddHost(PhysicalDevice eth0, Ipv4Address address, Ipv4Prefix segment) => _hosts[address] = (eth0, segment);

    public void AddGateway(Ipv4Address address, MacAddress mac) => _gateways[address] = mac;

    private readonly Dictionary<Ipv4Address, PhysicalDevice> _stacked = new();

    /// <summary>
    /// An address on a device stacked on a node's NIC (a macvlan pod) on the shared L2: answered through that NIC by
    /// whoever holds it, but never to that same NIC (a switch does not send a broadcast back out of its ingress port).
    /// </summary>
    public void AddStackedHost(PhysicalDevice lower, Ipv4Address address) => _stacked[address] = lower;

    public bool TryResolve(PhysicalDevice asking, Ipv4Address target, MacAddress requester, out MacAddress mac)
    {
        if (_gateways.TryGetValue(target, out mac)) return true;
        if (_stacked.TryGetValue(target, out var lower))
            return !ReferenceEquals(lower, asking) ? lower.AnswerArp(target, requester, out mac) : NoAnswer(out mac);
        if (_hosts.TryGetValue(target, out var host) && SameSegment(asking, host.Segment))
            return host.Device.AnswerArp(target, requester, out mac);
        mac = default;
        return false;
    }

    private static bool NoAnswer(out MacAddress mac)
    {
        mac = default;
        return false;
    }

    private bool SameSegment(PhysicalDevice asking, Ipv4Prefix segment)
    {
        foreach (var (addr, h) in _hosts)
            if (ReferenceEquals(h.Device, asking)) return segment.Contains(addr);
        return false;
    }
}
