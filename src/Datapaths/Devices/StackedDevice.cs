using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Addressing;
using NetSim.Engine.Elements;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Devices;

/// <summary>
/// A device stacked on a lower Ethernet device through its rx_handler (macvlan, ipvlan): frames the handler picks for
/// it get another receive round on it (<c>macvlan.rx</c>), frames for a sibling go through the backlog
/// (dev_forward_skb), and it answers ARP only for its own namespace's addresses.
/// </summary>
public abstract class StackedDevice : NetDevice
{
    protected StackedDevice(NetworkNamespace ns, string name, PhysicalDevice lower, int mtu, MacAddress? mac)
        : base(ns, name, mtu > 0 ? mtu : lower.Mtu, mac)
    {
        if (mtu > lower.Mtu) throw new ArgumentOutOfRangeException(nameof(mtu), mtu, $"a {GetType().Name}'s MTU cannot exceed its lower device's ({lower.Mtu})");
        Lower = lower;
    }

    public PhysicalDevice Lower { get; }

    /// <summary>The kernel function that hands frames to this kind of device ("macvlan_handle_frame").</summary>
    protected abstract string RxHandlerName { get; }

    /// <summary>The rx_handler found this slave: skb->dev = slave, another receive round.</summary>
    internal void DeliverFromLower(Packet p, long ps)
    {
        if (!IsUp)
        {
            Counters.RxDropped++;
            ChargeAndDrop(p, ps, DropReason.DeviceDown);
            return;
        }
        WorkPs(p, ps + Costs.MacvlanRx.For(p.Length), RxEntry, p.Trace is null ? null : $"{RxHandlerName} → {Name}");
    }

    /// <summary>dev_forward_skb: <paramref name="target"/> receives through this core's backlog, as a veth peer does.</summary>
    protected void ForwardThroughBacklog(Packet p, long ps, PacketElement target, string? action)
    {
        long done = Charge(p, ps, action);
        if (!Node.Backlog(p.Core).Enqueue(p, target, done)) Drop(p, DropReason.BacklogFull);
    }

    public override bool AnswerArp(Ipv4Address target, MacAddress requester, out MacAddress mac) => AnswerArpAsHost(target, out mac);

    /// <summary>Leaves the lower device's port (and, for macvlan, the NIC's unicast filter).</summary>
    protected abstract void LeavePort();

    /// <summary>ip link del: the slave leaves its port, then its namespace.</summary>
    public override void Delete()
    {
        if (IsDeleted) return;
        LeavePort();
        base.Delete();
    }
}
