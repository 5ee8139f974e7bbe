using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Netfilter;
using NetSim.Datapaths.Routing;
using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Namespaces;

/// <summary>
/// ip_output → POSTROUTING → ip_finish_output → neigh_output: charges <c>ip.output</c> and the POSTROUTING hook;
/// a packet larger than the route/device MTU is dropped with MtuExceeded and answered with ICMP fragmentation
/// needed when DF is set, or cut into fragments when it is not; GSO super-packets pass when each segment fits
/// (skb_gso_validate_network_len) and are otherwise treated as DF (the kernel would segment and then refuse). Devices with an L2 header get an Ethernet header from the neighbour table
/// (<c>neigh.output</c> per frame; no answer: NoNeighbour and ICMP host unreachable); then dev_queue_xmit.
/// </summary>
internal sealed class IpOutput : NamespaceElement
{
    private readonly List<Packet> _fragments = new();

    public IpOutput(NetworkNamespace ns) : base(ns, "ip_output") { }

    public override void Receive(Packet p)
    {
        NetworkNamespace ns = Namespace;
        Ipv4Address dst = p.Ipv4.Destination;
        Route? route = ns.LookupRoute(dst, p.Ipv4.Source); // skb_dst, looked up (and charged) by ip_local_out or ip_rcv
        long ps = Costs.IpOutput.For(p.Length);
        if (route is null || route.Type is not (RouteType.Unicast or RouteType.Local))
        {
            ChargeAndDrop(p, ps, DropReason.NoRoute);
            return;
        }
        NetDevice dev = ns.OutputDevice(route)!;
        var s = new NfHookState(ns, NfInetHook.PostRouting, p, null, dev, ps);
        ns.Netfilter.Run(ref s);
        if (!Continue(ref s)) return;
        p = s.Packet;
        ps = s.CostPs;

        int mtu = route.Mtu > 0 ? route.Mtu : dev.Mtu;
        if (p.Ipv4Length <= mtu || SegmentsFit(p, mtu))
        {
            Send(p, dev, route, ps);
            return;
        }
        if (p.Ipv4.DontFragment || p.GsoSize != 0 || !IpFragmenter.Fragment(p, mtu, _fragments))
        {
            Charge(p, ps, p.Trace is null ? null : $"{p.Ipv4Length} B > mtu {mtu}");
            ns.Icmp.SendError(p, IcmpHeader.DestinationUnreachable, IcmpHeader.CodeFragmentationNeeded, mtu);
            Drop(p, DropReason.MtuExceeded);
            return;
        }
        for (int i = 0; i < _fragments.Count; i++) Send(_fragments[i], dev, route, i == 0 ? ps : 0);
        _fragments.Clear();
    }

    /// <summary>skb_gso_validate_network_len: each segment of a GSO packet is its headers plus one MSS of payload.</summary>
    private static bool SegmentsFit(Packet p, int mtu) =>
        p.GsoSize != 0 && p.Ipv4Length - p.PayloadLength + Math.Min(p.GsoSize, p.PayloadLength) <= mtu;

    private void Send(Packet p, NetDevice dev, Route route, long ps)
    {
        if (dev.HasL2)
        {
            ps += Costs.NeighOutput.For(p.Length);
            Ipv4Address dst = p.Ipv4.Destination;
            Ipv4Address nextHop = route.Type == RouteType.Local ? dst : route.NextHop(dst);
            if (!Namespace.Neighbours.TryResolve(dev, nextHop, out MacAddress mac))
            {
                Charge(p, ps, p.Trace is null ? null : $"no neighbour {nextHop} on {dev.Name}");
                Namespace.Icmp.SendError(p, IcmpHeader.DestinationUnreachable, IcmpHeader.CodeHostUnreachable);
                Drop(p, DropReason.NoNeighbour);
                return;
            }
            ref EthernetHeader eth = ref p.PushEthernet();
            eth.Source = dev.Mac;
            eth.Destination = mac;
            eth.EtherType = EthernetHeader.EtherTypeIpv4;
        }
        WorkPs(p, ps, dev, p.Trace is null ? null : $"ip_output → {dev.Name}");
    }
}
