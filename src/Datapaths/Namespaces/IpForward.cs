using NetSim.Datapaths.Netfilter;
using NetSim.Datapaths.Routing;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Namespaces;

/// <summary>
/// ip_forward: charges <c>ip.forward</c>; a TTL that would reach zero drops the packet (TtlExpired) and answers ICMP
/// time exceeded; otherwise the TTL is decremented and FORWARD runs before ip_output. (The kernel also checks the
/// MTU here for DF packets; the model does that once, in ip_output, for every path.)
/// </summary>
internal sealed class IpForward : NamespaceElement
{
    public IpForward(NetworkNamespace ns) : base(ns, "ip_forward") { }

    public override void Receive(Packet p)
    {
        NetworkNamespace ns = Namespace;
        ref Ipv4Header ip = ref p.Ipv4;
        Route? route = ns.LookupRoute(ip.Destination, ip.Source); // the route ip_rcv chose (skb_dst), not charged again
        long ps = Costs.IpForward.For(p.Length);
        if (route is null)
        {
            ChargeAndDrop(p, ps, DropReason.NoRoute);
            return;
        }
        if (ip.Ttl <= 1)
        {
            Charge(p, ps, p.Trace is null ? null : "TTL expired");
            ns.Icmp.SendError(p, IcmpHeader.TimeExceeded, 0);
            Drop(p, DropReason.TtlExpired);
            return;
        }
        ip.Ttl--;
        var s = new NfHookState(ns, NfInetHook.Forward, p, ns.DeviceByIndex(p.IngressInterface), ns.OutputDevice(route), ps);
        ns.Netfilter.Run(ref s);
        if (!Continue(ref s)) return;
        WorkPs(s.Packet, s.CostPs, ns.Output, p.Trace is null ? null : "ip_forward");
    }
}
