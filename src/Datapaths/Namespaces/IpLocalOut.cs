using NetSim.Datapaths.Netfilter;
using NetSim.Datapaths.Routing;
using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Namespaces;

/// <summary>
/// ip_local_out for packets a socket, a tunnel or the kernel itself sends: route lookup (<c>route.lookup</c>),
/// source address (when 0.0.0.0), TTL and IP id, then OUTPUT; a DNAT at OUTPUT re-routes (ip_route_me_harder,
/// another lookup). No route: dropped as NoRoute (the socket would get ENETUNREACH; no ICMP is sent to oneself).
/// </summary>
internal sealed class IpLocalOut : NamespaceElement
{
    public IpLocalOut(NetworkNamespace ns) : base(ns, "ip_local_out") { }

    public override void Receive(Packet p)
    {
        NetworkNamespace ns = Namespace;
        long ps = Costs.RouteLookup.For(p.Length);
        if (p.TopKind != HeaderKind.Ipv4)
        {
            ChargeAndDrop(p, ps, DropReason.NotForThisHost);
            return;
        }
        ref Ipv4Header ip = ref p.Ipv4;
        Route? route = ns.LookupRoute(ip.Destination, ip.Source, out int tested, out _);
        ps += tested * Costs.FibRule.For(p.Length);
        if (route is null || route.Type is not (RouteType.Unicast or RouteType.Local))
        {
            ChargeAndDrop(p, ps, DropReason.NoRoute);
            return;
        }
        if (ip.Source == Ipv4Address.Any) ip.Source = ns.SelectSource(route, ip.Destination);
        if (ip.Ttl == 0) ip.Ttl = Ipv4Header.DefaultTtl;
        if (ip.Identification == 0) ip.Identification = ns.NextIpId();
        Ipv4Address before = ip.Destination;

        var s = new NfHookState(ns, NfInetHook.LocalOut, p, null, ns.OutputDevice(route), ps);
        ns.Netfilter.Run(ref s);
        if (!Continue(ref s)) return;
        p = s.Packet;
        ps = s.CostPs;
        if (p.Ipv4.Destination != before) ps += Costs.RouteLookup.For(p.Length);
        WorkPs(p, ps, ns.Output, p.Trace is null ? null : "ip_local_out");
    }
}
