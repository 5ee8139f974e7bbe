using NetSim.Datapaths.Common;
using NetSim.Datapaths.Conntrack;
using NetSim.Datapaths.Namespaces;
using NetSim.Datapaths.Netfilter;
using NetSim.Datapaths.Routing;
using NetSim.Engine.Packets;

namespace NetSim.Topologies.KubeProxy;

/// <summary>
/// ip_vs_nat_xmit for a packet IPVS took at LOCAL_IN: route lookup toward the chosen destination
/// (<c>route.lookup</c>), then NF_HOOK LOCAL_OUT — where conntrack's DNAT rewrites it, as bound by
/// <see cref="IpvsHook"/> — and on to ip_output (POSTROUTING, masquerade).
/// </summary>
internal sealed class IpvsXmit : NamespaceElement
{
    public IpvsXmit(NetworkNamespace ns) : base(ns, "ip_vs_nat_xmit") { }

    public override void Receive(Packet p)
    {
        NetworkNamespace ns = Namespace;
        long ps = Costs.RouteLookup.For(p.Length);
        if (p.Conntrack is not ConntrackRef { Entry: { } e })
        {
            ChargeAndDrop(p, ps, DropReason.NoRoute);
            return;
        }
        Route? route = ns.LookupRoute(e.Reply.Source);
        if (route is null || route.Type is not (RouteType.Unicast or RouteType.Local))
        {
            ChargeAndDrop(p, ps, DropReason.NoRoute);
            return;
        }
        var s = new NfHookState(ns, NfInetHook.LocalOut, p, null, ns.OutputDevice(route), ps);
        ns.Netfilter.Run(ref s);
        if (!Continue(ref s)) return;
        WorkPs(s.Packet, s.CostPs, ns.Output, p.Trace is null ? null : $"ip_vs_nat_xmit → {e.Reply.Source}:{e.Reply.SourcePort}");
    }
}
