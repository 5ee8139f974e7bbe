using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Devices;

/// <summary>
/// A macvlan device (drivers/net/macvlan.c): its own MAC on a lower Ethernet device, usually moved into a pod's
/// namespace. Transmit (macvlan_queue_xmit, <c>macvlan.xmit</c>): in bridge mode a frame for a sibling's MAC is
/// handed to that sibling through the backlog (dev_forward_skb); everything else goes out of the lower device
/// (dev_queue_xmit on it: its NIC and the wire), never through the host's IP stack. Receive: the lower device's
/// rx_handler (<see cref="MacvlanPort"/>, <c>macvlan.rx</c>) hands the slave its frames for another receive round.
/// So the host cannot reach its own macvlan pods: its frames leave through the NIC and the switch does not send
/// them back (unless the port does reflective relay).
/// </summary>
public sealed class MacvlanDevice : StackedDevice
{
    public MacvlanDevice(NetworkNamespace ns, string name, PhysicalDevice lower, MacvlanMode mode, int mtu = 0, MacAddress? mac = null)
        : base(ns, name, lower, mtu, mode == MacvlanMode.Passthru ? lower.Mac : mac)
    {
        Mode = mode;
        Port = MacvlanPort.Of(lower);
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

    public MacvlanMode Mode { get; }
    public MacvlanPort Port { get; }

    protected override void Xmit(Packet p, long pendingPs)
    {
        long ps = pendingPs + Costs.MacvlanXmit.For(p.Length);
        Scrub(p, crossNamespace: Lower.Namespace != Namespace);
        if (Mode == MacvlanMode.Bridge && p.TopKind == HeaderKind.Ethernet && Port.Lookup(p.Ethernet.Destination) is { } sibling && sibling != this)
        {
            ForwardToSibling(p, ps, sibling);
            return;
        }
        WorkPs(p, ps, Lower, p.Trace is null ? null : $"macvlan_queue_xmit → {Lower.Name}");
    }

    private void ForwardToSibling(Packet p, long ps, MacvlanDevice sibling)
    {
        if (!sibling.IsUp)
        {
            ChargeAndDrop(p, ps, DropReason.DeviceDown);
            return;
        }
        ForwardThroughBacklog(p, ps, sibling.RxEntry, p.Trace is null ? null : $"macvlan_queue_xmit → dev_forward_skb {sibling.Name}");
    }

    protected override string RxHandlerName => "macvlan_handle_frame";

    protected internal override bool ResolveOnLink(Ipv4Address target, MacAddress requester, out MacAddress mac) =>
        Port.Resolve(this, target, requester, out mac);

    protected override void LeavePort() => Port.Remove(this);
}
