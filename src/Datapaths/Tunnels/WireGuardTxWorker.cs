using NetSim.Datapaths.Common;
using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Core;
using NetSim.Engine.Elements;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Tunnels;

/// <summary>
/// wg_packet_tx_worker, one per peer on the peer's serial CPU: while the oldest bundle of the peer's transmit queue
/// is encrypted, it sends its packets in nonce order (wg_packet_create_data_done → send4 → udp_tunnel_xmit_skb:
/// <c>wireguard.tx_worker</c> per packet, then the outer IPv4 + UDP through the underlay's ip_local_out, whose work
/// runs on the same CPU); a dead bundle is dropped. It stops at the first bundle still being encrypted, and the
/// worker that finishes that one wakes it again. This is the part of a tunnel that does not scale with cores.
/// </summary>
internal sealed class WireGuardTxWorker : DatapathElement
{
    private readonly WireGuardDevice _device;

    public WireGuardTxWorker(WireGuardDevice device) : base(device.Node, device.Name + "/wg_packet_tx_worker") => _device = device;

    public override NetworkNamespace Namespace => _device.Namespace;

    public override void Receive(Packet packet) => throw new InvalidOperationException($"{Name} takes work from its peers' queues, not packets");

    /// <summary>queue_work_on(the peer's serial CPU): the worker runs at <paramref name="atPs"/> unless it is already queued.</summary>
    public void Wake(WireGuardPeer peer, long atPs)
    {
        if (peer.TxWorkerPending) return;
        peer.TxWorkerPending = true;
        Node.Sim.ScheduleAtPicoseconds(atPs, this, EventKinds.WorkItem, 0, peer, Node.Id);
    }

    protected override void OnEvent(in SimEvent ev)
    {
        if (ev.Kind == EventKinds.WorkItem) Step((WireGuardPeer)ev.Payload!);
        else base.OnEvent(ev);
    }

    private void Step(WireGuardPeer peer)
    {
        long now = Node.Sim.NowPicoseconds;
        int cpu = peer.SerialCpu(Node.Cpu.CoreCount);
        long free = Node.Cpu[cpu].BusyUntil;
        if (free > now)
        {
            Node.Sim.ScheduleAtPicoseconds(free, this, EventKinds.WorkItem, 0, peer, Node.Id);
            return;
        }
        WireGuardPacketBundle? b = peer.TxSending ?? NextCrypted(peer);
        if (b is null)
        {
            peer.TxWorkerPending = false; // the head is still being encrypted: its worker wakes this one
            return;
        }
        int i = peer.TxNext++;
        Packet p = b[i];
        p.Core = cpu;
        Send4(p, peer);
        long finish = ChargeQueued(p, Costs.WireGuardTxWorker.For(p.Length), i == 0 ? b.CryptedAt : now,
            p.Trace is null ? null : $"send4 → {peer.Endpoint}:{peer.EndpointPort} on cpu {cpu}");
        _device.Release(1);
        Node.Sim.ScheduleAtPicoseconds(finish, _device.UnderlayNamespace.LocalOut, EventKinds.PacketArrival, 0, p, Node.Id);
        if (peer.TxNext == b.Count)
        {
            peer.TxSending = null;
            _device.ReturnBundle(b);
        }
        // Scheduled after the packet: its ip_local_out books the CPU first, as the worker's loop runs it to the driver.
        Node.Sim.ScheduleAtPicoseconds(finish, this, EventKinds.WorkItem, 0, peer, Node.Id);
    }

    /// <summary>The oldest bundle if it is encrypted (dead ones before it are dropped), or null.</summary>
    private WireGuardPacketBundle? NextCrypted(WireGuardPeer peer)
    {
        while (peer.TxQueue.Peek() is { } head && head.State != WireGuardPacketState.Uncrypted)
        {
            peer.TxQueue.Dequeue();
            if (head.State == WireGuardPacketState.Crypted)
            {
                peer.TxSending = head;
                peer.TxNext = 0;
                return head;
            }
            _device.DropBundle(head, this, DropReason.QueueFull); // it found the encrypt ring full
        }
        return null;
    }

    /// <summary>send4 + udp_tunnel_xmit_skb: the outer UDP (checksum left to the NIC) and IPv4 headers, ECN from the inner header.</summary>
    private void Send4(Packet p, WireGuardPeer peer)
    {
        EcnCodepoint innerEcn = p.Ipv4.Ecn;
        ref UdpHeader udp = ref p.PushUdp();
        udp.SourcePort = _device.ListenPort;
        udp.DestinationPort = peer.EndpointPort;
        ref Ipv4Header ip = ref p.PushIpv4();
        ip.Destination = peer.Endpoint;
        ip.Protocol = Ipv4Header.ProtocolUdp;
        ip.Ttl = Ipv4Header.DefaultTtl;
        ip.Ecn = TunnelEcn.Encapsulate(innerEcn);
        p.ChecksumOffloaded = true;
    }
}
