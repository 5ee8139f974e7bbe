using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Addressing;
using NetSim.Engine.Elements;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Devices;

/// <summary>
/// An ipvlan device (drivers/net/ipvlan): the lower device's MAC, its own IP addresses, usually in a pod's namespace.
/// Transmit (ipvlan_queue_xmit, <c>macvlan.xmit</c>: the same hash lookup and direct call): a packet for a sibling's
/// address is handed to that sibling through the backlog; otherwise, in L2 mode (ipvlan_xmit_mode_l2) the frame goes
/// out of the lower device (to the host's own stack when it is addressed to the shared MAC), and in L3 mode
/// (ipvlan_process_v4_outbound) the packet is routed by the lower device's namespace (ip_local_out there: its routes,
/// neighbours and OUTPUT/POSTROUTING). Receive: the lower device's rx_handler (<see cref="IpvlanPort"/>,
/// <c>macvlan.rx</c>) finds the slave by destination address. The host cannot reach its own ipvlan pods.
/// </summary>
public sealed class IpvlanDevice : StackedDevice
{
    public IpvlanDevice(NetworkNamespace ns, string name, PhysicalDevice lower, IpvlanMode mode, int mtu = 0)
        : base(ns, name, lower, mtu, lower.Mac)
    {
        Mode = mode;
        Port = IpvlanPort.Of(lower);
        try
        {
            Port.Add(this);
        }
        catch (InvalidOperationException)
        {
            base.Delete();
            throw;
        }
    }

    public IpvlanMode Mode { get; }
    public IpvlanPort Port { get; }

    /// <summary>L3 slaves are IFF_NOARP: no neighbour lookup, no Ethernet header from the pod's stack.</summary>
    public override bool HasL2 => Mode == IpvlanMode.L2;

    protected override void Xmit(Packet p, long pendingPs)
    {
        long ps = pendingPs + Costs.MacvlanXmit.For(p.Length);
        Scrub(p, crossNamespace: Lower.Namespace != Namespace);
        if (Port.Lookup(p.Ipv4.Destination) is { } sibling && sibling != this)
        {
            if (p.TopKind != HeaderKind.Ethernet)
            {
                ref EthernetHeader eth = ref p.PushEthernet();
                eth.Source = Mac;
                eth.Destination = sibling.Mac; // the shared MAC
                eth.EtherType = EthernetHeader.EtherTypeIpv4;
            }
            ForwardThroughBacklog(p, ps, sibling.RxEntry, p.Trace is null ? null : $"ipvlan_rcv_frame → {sibling.Name}");
            return;
        }
        if (Mode == IpvlanMode.L3)
        {
            WorkPs(p, ps, Lower.Namespace.LocalOutPath, p.Trace is null ? null : "ipvlan_process_v4_outbound → ip_local_out");
            return;
        }
        if (p.TopKind == HeaderKind.Ethernet && p.Ethernet.Destination == Mac)
        {
            ForwardThroughBacklog(p, ps, Lower.RxEntry, p.Trace is null ? null : $"ipvlan_xmit_mode_l2 → dev_forward_skb {Lower.Name}");
            return;
        }
        WorkPs(p, ps, Lower, p.Trace is null ? null : $"ipvlan_xmit_mode_l2 → {Lower.Name}");
    }

    protected override string RxHandlerName => "ipvlan_handle_frame";

    protected internal override bool ResolveOnLink(Ipv4Address target, MacAddress requester, out MacAddress mac) =>
        Port.Resolve(this, target, requester, out mac);

    protected override void LeavePort() => Port.Remove(this);
}
