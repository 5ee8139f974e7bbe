using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Devices;

/// <summary>
/// One end of a veth pair. veth_xmit charges <c>veth.xmit</c> and hands the frame to netif_rx: it waits in the
/// transmitting core's softnet backlog (bounded by netdev_max_backlog, drops counted BacklogFull) until that core's
/// softirq runs the peer's __netif_receive_skb, possibly in another namespace; the packet is scrubbed on the way
/// (conntrack reference cleared; mark cleared when crossing namespaces).
/// </summary>
public sealed class VethDevice : NetDevice
{
    internal VethDevice(NetworkNamespace ns, string name, int mtu, MacAddress? mac) : base(ns, name, mtu, mac) { }

    /// <summary>The other end.</summary>
    public VethDevice Peer { get; internal set; } = null!;

    /// <summary>Deleting either end of a veth pair deletes both (the kernel unregisters the peer too).</summary>
    public override void Delete()
    {
        if (IsDeleted) return;
        base.Delete();
        Peer.Delete();
    }

    protected override void Xmit(Packet p, long pendingPs)
    {
        long ps = pendingPs + Costs.VethXmit.For(p.Length);
        VethDevice peer = Peer;
        if (!peer.IsUp)
        {
            Counters.TxDropped++;
            ChargeAndDrop(p, ps, DropReason.DeviceDown);
            return;
        }
        Scrub(p, peer.Namespace != Namespace);
        long done = Charge(p, ps, p.Trace is null ? null : $"veth_xmit → {peer.Name}");
        if (!Node.Backlog(p.Core).Enqueue(p, peer.RxEntry, done))
        {
            peer.Counters.RxDropped++;
            Drop(p, DropReason.BacklogFull);
        }
    }

    /// <summary>ARP out of a veth reaches exactly its peer.</summary>
    protected internal override bool ResolveOnLink(Ipv4Address target, MacAddress requester, out MacAddress mac) =>
        Peer.IsUp ? Peer.AnswerArp(target, requester, out mac) : NoAnswer(out mac);

    private static bool NoAnswer(out MacAddress mac)
    {
        mac = default;
        return false;
    }
}
