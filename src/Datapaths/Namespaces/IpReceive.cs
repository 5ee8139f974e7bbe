using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Netfilter;
using NetSim.Datapaths.Routing;
using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Namespaces;

/// <summary>
/// ip_rcv → PREROUTING → ip_rcv_finish (route lookup): charges <c>ip.receive</c>, the PREROUTING hook and
/// <c>route.lookup</c>, then hands the packet to local delivery or forwarding. Frames not addressed to the
/// device's MAC are dropped (PACKET_OTHERHOST). No route answers ICMP net unreachable; a namespace that does not
/// forward answers host unreachable.
/// </summary>
internal sealed class IpReceive : NamespaceElement
{
    private readonly bool _afterBridgeNetfilter;

    public IpReceive(NetworkNamespace ns, bool afterBridgeNetfilter)
        : base(ns, afterBridgeNetfilter ? "ip_rcv(br_nf)" : "ip_rcv") => _afterBridgeNetfilter = afterBridgeNetfilter;

    public override void Receive(Packet p)
    {
        p.Orphan(); // ip_rcv_core drops the sending socket's reference (skb_orphan), freeing its send buffer
        NetworkNamespace ns = Namespace;
        NetDevice? dev = ns.DeviceByIndex(p.IngressInterface);
        long ps = Costs.IpReceive.For(p.Length);
        if (p.TopKind == HeaderKind.Ethernet)
        {
            MacAddress to = p.Ethernet.Destination;
            if (dev is not null && to != dev.Mac && !to.IsMulticast)
            {
                ChargeAndDrop(p, ps, DropReason.NotForThisHost);
                return;
            }
            p.Pop(HeaderKind.Ethernet); // eth_type_trans pulled it
        }
        if (p.TopKind != HeaderKind.Ipv4)
        {
            ChargeAndDrop(p, ps, DropReason.NotForThisHost);
            return;
        }
        if (!_afterBridgeNetfilter)
        {
            var s = new NfHookState(ns, NfInetHook.PreRouting, p, dev, null, ps);
            ns.Netfilter.Run(ref s);
            if (!Continue(ref s)) return;
            p = s.Packet;
            ps = s.CostPs;
        }
        ps += Costs.RouteLookup.For(p.Length);
        Ipv4Address dst = p.Ipv4.Destination;
        FibRule? rule = null;
        Route? route = null;
        if (dst != Ipv4Address.Broadcast)
        {
            route = ns.LookupRoute(dst, p.Ipv4.Source, out int tested, out rule);
            ps += tested * Costs.FibRule.For(p.Length);
        }
        if (dst == Ipv4Address.Broadcast || route?.Type == RouteType.Local)
        {
            WorkPs(p, ps, ns.LocalDeliver, p.Trace is null ? null : "ip_rcv → local");
            return;
        }
        switch (route?.Type)
        {
            case RouteType.Unicast when ns.IpForwarding:
                WorkPs(p, ps, ns.Forward, p.Trace is null ? null : ForwardNote(route, rule));
                return;
            case RouteType.Unicast:
                Reject(p, ps, IcmpHeader.CodeHostUnreachable); // ip_forward=0: EHOSTUNREACH
                return;
            case RouteType.Blackhole:
                ChargeAndDrop(p, ps, DropReason.NoRoute);
                return;
            case RouteType.Prohibit:
                Reject(p, ps, IcmpHeader.CodeAdminProhibited);
                return;
            case RouteType.Unreachable:
                Reject(p, ps, IcmpHeader.CodeHostUnreachable);
                return;
            default:
                Reject(p, ps, IcmpHeader.CodeNetUnreachable);
                return;
        }
    }

    /// <summary>The trace's note for a forwarded packet: its device, and the policy-routing rule that chose the table.</summary>
    private static string ForwardNote(Route route, FibRule? rule) =>
        rule is null ? $"ip_rcv → forward via {route.Device!.Name}" : $"ip_rcv → ip rule \"{rule}\" → forward via {route.Device!.Name}";

    /// <summary>ip_error: an ICMP destination unreachable back to the sender, and the packet dropped as unroutable.</summary>
    private void Reject(Packet p, long ps, byte code)
    {
        Charge(p, ps, p.Trace is null ? null : $"no route (ICMP unreachable code {code})");
        Namespace.Icmp.SendError(p, IcmpHeader.DestinationUnreachable, code);
        Drop(p, DropReason.NoRoute);
    }
}
