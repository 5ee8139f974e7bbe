using NetSim.Datapaths.Namespaces;
using NetSim.Datapaths.Routing;
using NetSim.Engine.Addressing;
using NetSim.Engine.Elements;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Devices;

/// <summary>
/// A physical interface (eth0) on top of a NIC. Transmit hands the frame to <see cref="TransmitTo"/> (the NIC's
/// transmit queue, which charges the driver and the wire); frames the NIC receives are delivered to
/// <see cref="NetDevice.RxEntry"/>, which runs XDP, <c>netif.receive</c>, tc ingress and the stack. ARP is answered
/// by whatever the link is cabled to (<see cref="Link"/>).
/// </summary>
public sealed class PhysicalDevice : NetDevice
{
    public PhysicalDevice(NetworkNamespace ns, string name, int mtu = 1500, MacAddress? mac = null, PacketElement? transmitTo = null)
        : base(ns, name, mtu, mac) => TransmitTo = transmitTo;

    /// <summary>The NIC (or link) element frames are handed to; null while unplugged (frames are dropped DeviceDown).</summary>
    public PacketElement? TransmitTo { get; set; }

    /// <summary>The macvlan slaves stacked on this device, if any.</summary>
    public MacvlanPort? MacvlanPort => RxHandler as MacvlanPort;

    /// <summary>The ipvlan slaves stacked on this device, if any.</summary>
    public IpvlanPort? IpvlanPort => RxHandler as IpvlanPort;

    /// <summary>Who answers ARP on this device's link.</summary>
    public ILinkNeighbourResolver? Link { get; set; }

    protected override void Xmit(Packet p, long pendingPs)
    {
        if (TransmitTo is null)
        {
            Counters.TxDropped++;
            ChargeAndDrop(p, pendingPs, DropReason.DeviceDown);
            return;
        }
        Scrub(p, crossNamespace: true); // the skb leaves the host: the receiver's stack knows nothing of our conntrack or marks
        WorkPs(p, pendingPs, TransmitTo, p.Trace is null ? null : "ndo_start_xmit");
    }

    protected internal override bool ResolveOnLink(Ipv4Address target, MacAddress requester, out MacAddress mac)
    {
        if (ResolveOnLinkAsLower(target, requester, out mac)) return true;
        return RxHandler is { } handler && handler.ResolveFromLower(target, requester, out mac);
    }

    /// <summary>ARP on the wire this device is cabled to (other hosts only).</summary>
    internal bool ResolveOnLinkAsLower(Ipv4Address target, MacAddress requester, out MacAddress mac)
    {
        mac = default;
        return Link is not null && Link.TryResolve(this, target, requester, out mac);
    }

    /// <summary>An ARP broadcast from the wire: this host answers for its addresses; a macvlan port passes it to every slave too.</summary>
    public override bool AnswerArp(Ipv4Address target, MacAddress requester, out MacAddress mac)
    {
        if (base.AnswerArp(target, requester, out mac)) return true;
        return RxHandler is { } handler && handler.AnswerExternal(target, requester, out mac);
    }
}
