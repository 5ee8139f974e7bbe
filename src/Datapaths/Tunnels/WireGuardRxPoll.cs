using NetSim.Datapaths.Common;
using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Core;
using NetSim.Engine.Cpu;
using NetSim.Engine.Elements;
using NetSim.Engine.Nics;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Tunnels;

/// <summary>
/// wg_packet_rx_poll, each peer's NAPI poll, on the CPU of the decrypt worker that scheduled it: while the oldest
/// packet of the peer's receive queue is decrypted, up to the NAPI budget (64), it checks it (replay counter,
/// endpoint, allowed-ips: a source the peer may not use is dropped), pays <c>wireguard.rx_poll</c>, and hands it to
/// GRO (napi_gro_receive, <c>gro.merge</c> per merged segment); merged packets go up the device's receive path when
/// the poll ends. A dead packet is dropped. It stops at the first packet still being decrypted.
/// </summary>
internal sealed class WireGuardRxPoll : DatapathElement, IGroNapi
{
    /// <summary>NAPI_POLL_WEIGHT, the weight netif_napi_add gives each peer.</summary>
    public const int Budget = 64;
    /// <summary>GRO_MAX_SIZE: what GRO may merge into one packet (an IPv4 packet's total length at most).</summary>
    public const int GroMaxBytes = 65535;

    private readonly WireGuardDevice _device;
    /// <summary>The peer whose GRO list is working (GRO hands packets up through this element).</summary>
    private WireGuardPeer? _polling;

    public WireGuardRxPoll(WireGuardDevice device) : base(device.Node, device.Name + "/wg_packet_rx_poll") => _device = device;

    public override NetworkNamespace Namespace => _device.Namespace;

    public override void Receive(Packet packet) => throw new InvalidOperationException($"{Name} takes work from its peers' queues, not packets");

    /// <summary>
    /// napi_schedule on <paramref name="cpu"/>: the peer's poll runs there now, unless it is already scheduled. Linux
    /// delivers a poll's packets up the stack inside the poll, so a poll never starts before the last one has
    /// delivered everything; here the stack's hops follow as events, so while the last packet the previous poll handed
    /// up is still on its way, the next poll runs on the same CPU, behind it, and the flow stays in order.
    /// Simplification: a poll the peer's serial CPU would run goes to the next CPU. In Linux it runs there now and
    /// then (one decrypt worker in N), and the TCP sends its ACKs trigger run there once; NetSim's TCP keeps a flow's
    /// sends on the core of its last send while that core is busy (so segments cannot overtake each other), and the
    /// serial CPU is never idle under load, so one such poll would pin the flow's sending to the tunnel's bottleneck.
    /// </summary>
    public void Schedule(WireGuardPeer peer, int cpu)
    {
        if (peer.NapiScheduled) return;
        peer.NapiScheduled = true;
        int cores = Node.Cpu.CoreCount;
        if (cpu == peer.TxWork.Cpu && cores > 1) cpu = (cpu + 1) % cores;
        if (peer.LastUp is { } last && last.Id == peer.LastUpId && !last.IsReturned) cpu = peer.NapiCpu;
        peer.NapiCpu = cpu;
        Node.Sim.ScheduleAtPicoseconds(Node.Sim.NowPicoseconds, this, EventKinds.NapiPoll, 0, peer, Node.Id);
    }

    protected override void OnEvent(in SimEvent ev)
    {
        if (ev.Kind == EventKinds.NapiPoll) Poll((WireGuardPeer)ev.Payload!);
        else if (ev.Kind == EventKinds.NapiPollEnd) PollEnd((WireGuardPeer)ev.Payload!);
        else base.OnEvent(ev);
    }

    private void Poll(WireGuardPeer peer)
    {
        long now = Node.Sim.NowPicoseconds;
        long free = Node.Cpu[peer.NapiCpu].SoftirqBusyUntil;
        if (free > now)
        {
            Node.Sim.ScheduleAtPicoseconds(free, this, EventKinds.NapiPoll, 0, peer, Node.Id); // after the softirq work before it, as a NIC's poll
            return;
        }
        long t = now;
        for (int n = 0; n < Budget && Decrypted(peer) is { } b; n++)
        {
            peer.RxQueue.Dequeue();
            if (b.State == WireGuardPacketState.Dead) _device.DropBundle(b, this, DropReason.QueueFull); // it found the decrypt ring full
            else t = Consume(peer, b);
        }
        Node.Sim.ScheduleAtPicoseconds(t, this, EventKinds.NapiPollEnd, 0, peer, Node.Id);
    }

    /// <summary>The oldest packet if it is no longer being decrypted, or null.</summary>
    private static WireGuardPacketBundle? Decrypted(WireGuardPeer peer) =>
        peer.RxQueue.Peek() is { State: not WireGuardPacketState.Uncrypted } head ? head : null;

    /// <summary>One decrypted packet: the checks of wg_packet_consume_data_done, then GRO. Returns when its work ends.</summary>
    private long Consume(WireGuardPeer peer, WireGuardPacketBundle b)
    {
        Packet p = b[0];
        p.Core = peer.NapiCpu;
        long t = ChargeQueued(p, Costs.WireGuardRxPoll.For(p.Length), b.CryptedAt, CpuContext.Softirq,
            p.Trace is null ? null : $"napi poll on cpu {peer.NapiCpu}: counter, allowed-ips, napi_gro_receive");
        if (_device.PeerFor(p.Ipv4.Source) != peer)
        {
            _device.DropBundle(b, this, DropReason.NotForThisHost); // a source the peer may not use
            return t;
        }
        _device.Roam(peer, b.FromAddress, b.FromPort);
        peer.RxPackets++;
        ref Ipv4Header inner = ref p.Ipv4;
        inner.Ecn = TunnelEcn.Decapsulate(b.OuterEcn, inner.Ecn);
        Scrub(p, crossNamespace: true); // wg_reset_packet
        _device.ReturnBundle(b);
        _polling = peer;
        return peer.Gro.Receive(p, t, GroMaxBytes, this);
    }

    private void PollEnd(WireGuardPeer peer)
    {
        long now = Node.Sim.NowPicoseconds;
        _polling = peer;
        peer.Gro.Flush(now, this);
        if (Decrypted(peer) is not null)
            Node.Sim.ScheduleAtPicoseconds(now, this, EventKinds.NapiPoll, 0, peer, Node.Id); // budget used, or more arrived: poll again
        else
            peer.NapiScheduled = false; // napi_complete_done
    }

    long IGroNapi.ChargeMerge(Packet segment)
    {
        _device.Release(1); // absorbed into the packet GRO holds
        return Charge(segment, Costs.GroMerge.For(segment.Length), segment.Trace is null ? null : "gro: merged");
    }

    void IGroNapi.Up(Packet packet, long atPs)
    {
        _device.Release(1);
        WireGuardPeer peer = _polling!;
        peer.LastUp = packet;
        peer.LastUpId = packet.Id;
        Node.Sim.ScheduleAtPicoseconds(atPs, _device.RxEntry, EventKinds.PacketArrival, 0, packet, Node.Id);
    }
}
