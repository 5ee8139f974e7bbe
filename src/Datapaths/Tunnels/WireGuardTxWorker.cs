using NetSim.Datapaths.Common;
using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Cpu;
using NetSim.Engine.Elements;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Tunnels;

/// <summary>
/// wg_packet_tx_worker, each peer's transmit work on the peer's serial CPU: while the oldest bundle of the peer's
/// transmit queue is encrypted, it sends its packets in nonce order (wg_packet_create_data_done → send4 →
/// udp_tunnel_xmit_skb: <c>wireguard.tx_worker</c> per packet, then the outer IPv4 + UDP through the underlay's
/// ip_local_out, whose work runs on the same CPU before the next packet); a dead bundle is dropped. It stops at the
/// first bundle still being encrypted, and the worker that finishes that one wakes it again. This is the part of a
/// tunnel that does not scale with cores. Its kworker counts as a thread on that CPU, so the scheduler places
/// application threads elsewhere when it can (load balancing moves them off a CPU a bound kworker keeps busy).
/// </summary>
internal sealed class WireGuardTxWorker : DatapathElement, IWireGuardWorker
{
    private readonly WireGuardDevice _device;

    public WireGuardTxWorker(WireGuardDevice device) : base(device.Node, device.Name + "/wg_packet_tx_worker") => _device = device;

    public override NetworkNamespace Namespace => _device.Namespace;

    public override void Receive(Packet packet) => throw new InvalidOperationException($"{Name} takes work from its peers' queues, not packets");

    /// <summary>queue_work_on(the peer's serial CPU): its transmit work runs from <paramref name="atPs"/> unless it is already queued.</summary>
    public void Wake(WireGuardPeer peer, long atPs) => _device.Workers.Queue(peer.TxWork, atPs);

    long IWireGuardWorker.Run(WireGuardWork work, long now)
    {
        WireGuardPeer peer = work.Peer!;
        WireGuardPacketBundle? b = peer.TxSending ?? NextCrypted(peer);
        if (b is null) return -1; // the head is still being encrypted: its worker wakes this one
        if (!peer.SerialThreadPlaced)
        {
            peer.SerialThreadPlaced = true;
            Node.Cpu.Scheduler.PinThread(work.Cpu); // a bound kworker now runs there
        }
        int i = peer.TxNext++;
        Packet p = b[i];
        p.Core = work.Cpu;
        Send4(p, peer);
        long finish = ChargeQueued(p, Costs.WireGuardTxWorker.For(p.Length), i == 0 ? b.CryptedAt : now, CpuContext.Process,
            p.Trace is null ? null : $"send4 → {peer.Endpoint}:{peer.EndpointPort} on cpu {work.Cpu}");
        _device.Release(1);
        // Scheduled before the pool's end of this step: ip_local_out books the CPU first, as the worker's loop runs it to the driver.
        Node.Sim.ScheduleAtPicoseconds(finish, _device.UnderlayNamespace.LocalOut, EventKinds.PacketArrival, 0, p, Node.Id);
        if (peer.TxNext == b.Count)
        {
            peer.TxSending = null;
            _device.ReturnBundle(b);
        }
        return finish;
    }

    void IWireGuardWorker.Ran(WireGuardWork work, long now) { }

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
