using NetSim.Datapaths.Common;
using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Addressing;
using NetSim.Engine.Nics;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Tunnels;

/// <summary>
/// A WireGuard device (wg0, wireguard.cali, cilium_wg0): an L3 tunnel over UDP (default port 51820), 60 bytes of
/// overhead on IPv4 (outer IPv4 + UDP + 16-byte data header + 16-byte tag), so its MTU is the underlay's minus 60
/// (Calico's figure; wg-quick's 80 also covers an IPv6 underlay). Its work is split as drivers/net/wireguard splits it:
/// <list type="number">
/// <item>wg_xmit (this device's transmit, on the sending CPU): the peer whose allowed-ips hold the destination
/// (longest prefix; none: ICMP host unreachable), a GSO packet cut into MTU-sized packets first
/// (skb_gso_segment(skb, 0): no scatter-gather, so every segment is copied and checksummed: <c>gso.segment</c> and
/// <c>wireguard.xmit</c>'s per-byte part), <c>wireguard.xmit</c> per packet; the bundle joins the peer's transmit queue
/// and the device's encrypt ring, and the next CPU's encrypt worker is woken.</item>
/// <item><see cref="WireGuardEncryptWorker"/> on every CPU in turn; <see cref="WireGuardTxWorker"/>, serial per
/// peer, sends in order through the underlay's ip_local_out. These kworkers share each CPU in turns
/// (<see cref="WireGuardWorkerPool"/>), in process context, after the softirq work booked before them.</item>
/// <item>Receive: <see cref="WireGuardReceive"/> (wg_receive, on the CPU that received the datagram),
/// <see cref="WireGuardDecryptWorker"/> on every CPU in turn, then <see cref="WireGuardRxPoll"/>, serial per peer,
/// checks, GRO-merges and delivers in order to this device's receive path.</item>
/// </list>
/// Every queue holds at most MAX_QUEUED_PACKETS (1024) entries; what does not fit is dropped (QueueFull).
/// Simplifications: no handshake (a session exists, so nothing waits in the staged queue), no padding to 16 bytes.
/// </summary>
public sealed class WireGuardDevice : NetDevice, IPacketHolder
{
    public const ushort DefaultPort = 51820;
    public const int HeaderOverhead = Ipv4Header.Size + UdpHeader.Size + WireGuardHeader.HeaderSize + WireGuardHeader.TagSize;

    private readonly List<WireGuardPeer> _peers = new();
    private readonly Dictionary<Ipv4Address, WireGuardPeer> _byEndpoint = new();
    private readonly Dictionary<uint, WireGuardPeer>?[] _allowed = new Dictionary<uint, WireGuardPeer>?[33];
    private readonly Stack<WireGuardPacketBundle> _freeBundles = new();
    private readonly WireGuardCryptQueue _encryptQueue = new();
    private readonly WireGuardCryptQueue _decryptQueue = new();
    private Packet[] _segments = new Packet[64];
    private int _held;

    public WireGuardDevice(NetworkNamespace ns, string name = "wg0", ushort listenPort = DefaultPort, NetDevice? underlay = null, int? mtu = null)
        : base(ns, name, mtu ?? (underlay?.Mtu ?? 1500) - HeaderOverhead, MacAddress.Zero)
    {
        ListenPort = listenPort;
        UnderlayNamespace = ns;
        Workers = new WireGuardWorkerPool(ns.Node);
        EncryptWorker = new WireGuardEncryptWorker(this, _encryptQueue);
        TxWorker = new WireGuardTxWorker(this);
        Decap = new WireGuardReceive(this);
        DecryptWorker = new WireGuardDecryptWorker(this, _decryptQueue);
        RxPoll = new WireGuardRxPoll(this);
        ns.RegisterUdpTunnel(listenPort, Decap);
        ns.Node.Holders.Add(this);
    }

    public override bool HasL2 => false;
    public ushort ListenPort { get; }
    public NetworkNamespace UnderlayNamespace { get; }
    public IReadOnlyList<WireGuardPeer> Peers => _peers;
    /// <summary>Bundles the encrypt ring refused (full: the packets were queued dead and dropped in order).</summary>
    public long EncryptRingFull => _encryptQueue.Refused;
    /// <summary>Packets the decrypt ring refused (full: queued dead and dropped in order).</summary>
    public long DecryptRingFull => _decryptQueue.Refused;

    /// <summary>Packets in the device's hands: queued, being crypted, waiting for their turn, or held by GRO.</summary>
    public int HeldPackets => _held;
    /// <summary>Every queue of the device is bounded (MAX_QUEUED_PACKETS) and drops what does not fit.</summary>
    public bool Bounded => true;

    internal WireGuardWorkerPool Workers { get; }
    internal WireGuardReceive Decap { get; }
    internal WireGuardEncryptWorker EncryptWorker { get; }
    internal WireGuardTxWorker TxWorker { get; }
    internal WireGuardDecryptWorker DecryptWorker { get; }
    internal WireGuardRxPoll RxPoll { get; }

    /// <summary>wg set DEV peer KEY endpoint ADDR:PORT allowed-ips PREFIXES.</summary>
    public WireGuardPeer AddPeer(Ipv4Address endpoint, IReadOnlyList<Ipv4Prefix> allowedIps, ushort endpointPort = DefaultPort)
    {
        var peer = new WireGuardPeer((uint)_peers.Count + 1, endpoint, endpointPort, allowedIps);
        peer.TxWork = new WireGuardWork(TxWorker, peer.SerialCpu(Node.Cpu.CoreCount), peer);
        foreach (Ipv4Prefix prefix in allowedIps)
            (_allowed[prefix.Length] ??= new Dictionary<uint, WireGuardPeer>())[prefix.Network.Value] = peer;
        _peers.Add(peer);
        _byEndpoint[endpoint] = peer;
        return peer;
    }

    /// <summary>Cryptokey routing: the peer whose allowed-ips hold <paramref name="address"/> most specifically.</summary>
    public WireGuardPeer? PeerFor(Ipv4Address address)
    {
        for (int len = 32; len >= 0; len--)
            if (_allowed[len] is { } map && map.TryGetValue(address.Value & Ipv4Prefix.MaskOf(len), out WireGuardPeer? peer))
                return peer;
        return null;
    }

    /// <summary>The peer whose data messages come from <paramref name="endpoint"/> (Linux finds it by the message's receiver index).</summary>
    internal WireGuardPeer? PeerAt(Ipv4Address endpoint) => _byEndpoint.TryGetValue(endpoint, out WireGuardPeer? peer) ? peer : null;

    /// <summary>wg_socket_set_peer_endpoint: an authenticated message from a new address moves the peer there (roaming).</summary>
    internal void Roam(WireGuardPeer peer, Ipv4Address endpoint, ushort port)
    {
        peer.EndpointPort = port;
        if (peer.Endpoint == endpoint) return;
        _byEndpoint.Remove(peer.Endpoint);
        peer.Endpoint = endpoint;
        _byEndpoint[endpoint] = peer;
    }

    /// <summary>wg_xmit: segments, stages with nonces, queues for encryption. <paramref name="pendingPs"/> is tc egress work done already.</summary>
    protected override void Xmit(Packet p, long pendingPs)
    {
        if (p.TopKind != HeaderKind.Ipv4)
        {
            ChargeAndDrop(p, pendingPs, DropReason.NotForThisHost);
            return;
        }
        WireGuardPeer? peer = PeerFor(p.Ipv4.Destination);
        if (peer is null)
        {
            Counters.TxDropped++;
            Charge(p, pendingPs);
            Namespace.Icmp.SendError(p, IcmpHeader.DestinationUnreachable, IcmpHeader.CodeHostUnreachable);
            Drop(p, DropReason.NoRoute);
            return;
        }
        WireGuardPacketBundle b = RentBundle(peer);
        long ready = p.SegmentCount > 1 ? Segment(p, pendingPs, b) : Stage(p, pendingPs, b);
        b.FirstNonce = peer.TxCounter;
        peer.TxCounter += (ulong)b.Count;
        b.ReadyAt = ready;
        _held += b.Count;
        if (!peer.TxQueue.TryEnqueue(b))
        {
            DropBundle(b, this, DropReason.QueueFull); // the peer's queue is full (-ENOSPC)
            return;
        }
        int cpu = _encryptQueue.NextCpu(Node.Cpu.CoreCount);
        if (_encryptQueue.TryProduce(b)) EncryptWorker.Wake(cpu, ready);
        else
        {
            b.State = WireGuardPacketState.Dead; // the ring is full (-EPIPE): dropped in order by the transmit worker
            TxWorker.Wake(peer, ready);
        }
    }

    /// <summary>A packet that needs no segmentation: <c>wireguard.xmit</c>'s fixed part. Returns when the work ends.</summary>
    private long Stage(Packet p, long pendingPs, WireGuardPacketBundle b)
    {
        p.GsoSize = 0;
        b.Add(p);
        return Charge(p, pendingPs + Costs.WireGuardXmit.FixedPs, p.Trace is null ? null : $"wg_xmit → peer {b.Peer.Endpoint}");
    }

    /// <summary>
    /// skb_gso_segment(skb, 0): without scatter-gather each segment is a new linear packet its bytes are copied into,
    /// checksummed on the way (skb_copy_and_csum_bits): <c>gso.segment</c> and <c>wireguard.xmit</c> with its per-byte
    /// part, per segment. Returns when the work ends.
    /// </summary>
    private long Segment(Packet gso, long pendingPs, WireGuardPacketBundle b)
    {
        int n = GsoSegmenter.Segment(gso, ref _segments);
        long end = 0;
        for (int i = 0; i < n; i++)
        {
            Packet s = _segments[i];
            _segments[i] = null!;
            s.ChecksumOffloaded = false; // computed while copying
            int bytes = s.Length;
            long ps = (i == 0 ? pendingPs : 0) + Costs.GsoSegment.For(bytes) + Costs.WireGuardXmit.For(bytes);
            b.Add(s);
            end = Charge(s, ps, s.Trace is null ? null : $"wg_xmit: skb_gso_segment into {n} packets → peer {b.Peer.Endpoint}");
        }
        return end;
    }

    /// <summary>wg_packet_consume_data's queueing of a received message whose wg_receive work ends at <paramref name="readyAt"/>.</summary>
    internal void QueueReceived(Packet p, WireGuardPeer peer, Ipv4Address from, ushort fromPort, EcnCodepoint outerEcn, long readyAt, DatapathElement at)
    {
        WireGuardPacketBundle b = RentBundle(peer);
        b.Add(p);
        b.FromAddress = from;
        b.FromPort = fromPort;
        b.OuterEcn = outerEcn;
        b.ReadyAt = readyAt;
        _held++;
        if (!peer.RxQueue.TryEnqueue(b))
        {
            Counters.RxDropped++;
            DropBundle(b, at, DropReason.QueueFull); // the peer's queue is full (-ENOSPC)
            return;
        }
        int cpu = _decryptQueue.NextCpu(Node.Cpu.CoreCount);
        if (_decryptQueue.TryProduce(b)) DecryptWorker.Wake(cpu, readyAt);
        else
        {
            b.State = WireGuardPacketState.Dead; // the ring is full (-EPIPE): the NAPI drops it in order
            b.CryptedAt = readyAt;
            RxPoll.Schedule(peer, p.Core);
        }
    }

    /// <summary>Drops every packet of <paramref name="b"/> at <paramref name="where"/> and returns it to the pool.</summary>
    internal void DropBundle(WireGuardPacketBundle b, DatapathElement where, DropReason reason)
    {
        for (int i = 0; i < b.Count; i++) where.ChargeAndDrop(b[i], 0, reason);
        Release(b.Count);
        ReturnBundle(b);
    }

    /// <summary><paramref name="packets"/> left the device's hands (sent on, delivered up, merged or dropped).</summary>
    internal void Release(int packets) => _held -= packets;

    internal void ReturnBundle(WireGuardPacketBundle b)
    {
        b.Clear();
        _freeBundles.Push(b);
    }

    private WireGuardPacketBundle RentBundle(WireGuardPeer peer)
    {
        WireGuardPacketBundle b = _freeBundles.Count > 0 ? _freeBundles.Pop() : new WireGuardPacketBundle();
        b.Peer = peer;
        return b;
    }
}
