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
public sealed class MacvlanDevice : NetDevice
{
    public MacvlanDevice(NetworkNamespace ns, string name, PhysicalDevice lower, MacvlanMode mode, int mtu = 0, MacAddress? mac = null)
        : base(ns, name, mtu > 0 ? mtu : lower.Mtu, mode == MacvlanMode.Passthru ? lower.Mac : mac)
    {
        if (mtu > lower.Mtu) throw new ArgumentOutOfRangeException(nameof(mtu), mtu, $"a macvlan's MTU cannot exceed its lower device's ({lower.Mtu})");
        Lower = lower;
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

    public PhysicalDevice Lower { get; }
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

    /// <summary>dev_forward_skb: the sibling receives through this core's backlog, as a veth peer does.</summary>
    private void ForwardToSibling(Packet p, long ps, MacvlanDevice sibling)
    {
        if (!sibling.IsUp)
        {
            ChargeAndDrop(p, ps, DropReason.DeviceDown);
            return;
        }
        long done = Charge(p, ps, p.Trace is null ? null : $"macvlan_queue_xmit → dev_forward_skb {sibling.Name}");
        if (!Node.Backlog(p.Core).Enqueue(p, sibling.RxEntry, done))
        {
            sibling.Counters.RxDropped++;
            Drop(p, DropReason.BacklogFull);
        }
    }

    /// <summary>macvlan_handle_frame found this slave: skb->dev = slave, another receive round.</summary>
    internal void DeliverFromLower(Packet p, long ps)
    {
        if (!IsUp)
        {
            Counters.RxDropped++;
            ChargeAndDrop(p, ps, DropReason.DeviceDown);
            return;
        }
        WorkPs(p, ps + Costs.MacvlanRx.For(p.Length), RxEntry, p.Trace is null ? null : $"macvlan_handle_frame → {Name}");
    }

    protected internal override bool ResolveOnLink(Ipv4Address target, MacAddress requester, out MacAddress mac) =>
        Port.Resolve(this, target, requester, out mac);

    public override bool AnswerArp(Ipv4Address target, MacAddress requester, out MacAddress mac) => AnswerArpAsHost(target, out mac);

    /// <summary>ip link del: the slave leaves its port and the NIC's unicast filter.</summary>
    public override void Delete()
    {
        if (IsDeleted) return;
        Port.Remove(this);
        base.Delete();
    }
}
