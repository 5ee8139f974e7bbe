using NetSim.Engine.Addressing;
using NetSim.Engine.Costs;
using NetSim.Engine.Elements;
using NetSim.Engine.Links;
using NetSim.Engine.Packets;

namespace NetSim.Engine.Nics;

/// <summary>
/// A physical network interface plugged into one end of a link.
/// <para>Transmit: <see cref="Receive"/> is the driver's ndo_start_xmit. The stack hands a packet with its
/// Ethernet header on top (the NIC adds one addressed to <see cref="DefaultDestination"/> if it is missing). The
/// sending core pays <c>nic.xmit</c>; a GSO super-packet is cut by the NIC when it can segment that kind (TSO for
/// plain TCP, tunnel TSO for encapsulated packets), otherwise the kernel cuts it first and the core pays
/// <c>gso.segment</c> and <c>nic.xmit</c> per segment. Without checksum offload the core also pays
/// <c>checksum.software</c> per byte. Frames reach the wire after the NIC's transmit latency (profile delay).</para>
/// <para>Receive: RSS hashes the outer headers (Toeplitz) to an RX queue, whose core runs the NAPI poll and GRO
/// (see <see cref="NicRxQueue"/>); packets then go to <see cref="ReceiveTarget"/>, Ethernet header still on.</para>
/// </summary>
public sealed class Nic : PacketElement, ILinkEndpoint
{
    /// <summary>Size of the RSS indirection table (ethtool -x), spread round-robin over the RX queues.</summary>
    public const int IndirectionTableSize = 128;

    private readonly NicTxQueue[] _tx;
    private readonly NicRxQueue[] _rx;
    private readonly int[] _indirection = new int[IndirectionTableSize];
    private readonly Cost _xmit, _receive, _gsoSegment, _groMerge, _checksum;
    private readonly long _txLatencyPs, _rxLatencyPs, _rxCoalescePs;
    private readonly bool _checksumOffload, _tso, _tunnelTso;
    private Packet[] _segments = new Packet[64];
    private LinkEnd? _port;

    public Nic(NodeContext node, string name, NicSpec spec) : base(node, name)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        Spec = spec;
        CostProfile costs = node.Costs;
        _xmit = costs[CostKeys.NicXmit];
        _receive = costs[CostKeys.NicReceive];
        _gsoSegment = costs[CostKeys.GsoSegment];
        _groMerge = costs[CostKeys.GroMerge];
        _checksum = costs[CostKeys.ChecksumSoftware];
        _txLatencyPs = costs.DelayPs(DelayKeys.NicTxLatency);
        _rxLatencyPs = costs.DelayPs(DelayKeys.NicRxLatency);
        _rxCoalescePs = costs.DelayPs(DelayKeys.NicRxCoalescing);
        _checksumOffload = (spec.Offloads & NicOffloads.Checksum) != 0;
        _tso = (spec.Offloads & NicOffloads.Tso) != 0;
        _tunnelTso = (spec.Offloads & NicOffloads.TunnelTso) != 0;
        _tx = new NicTxQueue[spec.TxQueues];
        for (int i = 0; i < _tx.Length; i++) _tx[i] = new NicTxQueue(this, i);
        _rx = new NicRxQueue[spec.RxQueues];
        for (int i = 0; i < _rx.Length; i++)
        {
            _rx[i] = new NicRxQueue(this, i, i % node.Cpu.CoreCount, spec, _rxCoalescePs);
            node.Holders.Add(_rx[i]);
        }
        for (int i = 0; i < _indirection.Length; i++) _indirection[i] = i % _rx.Length;
    }

    public NicSpec Spec { get; }
    public MacAddress Mac => Spec.Mac;
    public int Mtu => Spec.Mtu;
    public NicOffloads Offloads => Spec.Offloads;
    public IReadOnlyList<NicTxQueue> TxQueues => _tx;
    public IReadOnlyList<NicRxQueue> RxQueues => _rx;
    /// <summary>The link end this NIC is plugged into; null until <see cref="Attach"/>.</summary>
    public LinkEnd? Port => _port;
    /// <summary>Where received packets go: the datapath's device for this interface (eth0).</summary>
    public PacketElement? ReceiveTarget { get; set; }
    /// <summary>Capture on this interface: called for every frame sent and received.</summary>
    public IPacketTap? Tap { get; set; }
    /// <summary>Destination MAC for packets the stack hands over without an Ethernet header.</summary>
    public MacAddress DefaultDestination { get; set; } = MacAddress.Broadcast;

    /// <summary>Packets the stack handed to the driver (a super-packet counts once).</summary>
    public long TxPackets { get; private set; }
    public long TxFrames { get; private set; }
    public long TxBytes { get; private set; }
    public long RxFrames { get; private set; }
    public long RxBytes { get; private set; }
    /// <summary>Segments the NIC cut in hardware (TSO).</summary>
    public long HardwareSegments { get; private set; }
    /// <summary>Segments the kernel cut in software (GSO) because the NIC could not.</summary>
    public long SoftwareSegments { get; private set; }
    public long Drops { get; private set; }

    /// <summary>Plugs the NIC into a link end; its transmit queue is registered as a holder of this node.</summary>
    public void Attach(LinkEnd end)
    {
        ArgumentNullException.ThrowIfNull(end);
        if (_port is not null) throw new InvalidOperationException($"{this} is already attached to {_port}");
        end.Attach(this, $"{Node.Name}/{Name}");
        end.NodeId = Node.Id;
        _port = end;
        Node.Holders.Add(end.Outbound);
    }

    /// <summary>Pins RX queue <paramref name="queue"/>'s interrupt and NAPI poll to <paramref name="core"/> (IRQ affinity).</summary>
    public void SetRxQueueCore(int queue, int core)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(core);
        _rx[queue].Core = core % Node.Cpu.CoreCount;
    }

    /// <summary>Replaces the RSS indirection table (ethtool -X); entries are RX queue numbers.</summary>
    public void SetIndirectionTable(ReadOnlySpan<int> queues)
    {
        if (queues.Length != IndirectionTableSize) throw new ArgumentException($"the table has {IndirectionTableSize} entries", nameof(queues));
        foreach (int q in queues)
            if ((uint)q >= (uint)_rx.Length) throw new ArgumentException($"RX queue {q} does not exist", nameof(queues));
        queues.CopyTo(_indirection);
    }

    /// <summary>The RSS hash of a frame: Toeplitz over its outer IPv4 addresses and ports (0 for non-IP).</summary>
    public static uint RssHash(Packet frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return frame.Has(HeaderKind.Ipv4) ? ToeplitzHash.Default.Compute(FlowTuple.Outer(frame)) : 0u;
    }

    /// <summary>The RX queue RSS steers a frame to.</summary>
    public int RxQueueFor(Packet frame) => _indirection[RssHash(frame) % IndirectionTableSize];

    /// <summary>ndo_start_xmit: the stack hands the NIC a packet (or GSO super-packet) to send.</summary>
    public override void Receive(Packet packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        if (_port is null)
        {
            CountedDrop(packet, DropReason.DeviceDown);
            return;
        }
        if (packet.TopKind != HeaderKind.Ethernet) PushEthernet(packet);
        int segments = packet.SegmentCount;
        if (segments == 1 && L3Bytes(packet) > Mtu)
        {
            CountedDrop(packet, DropReason.MtuExceeded);
            return;
        }
        bool hardware = segments == 1 || (IsEncapsulated(packet) ? _tunnelTso : _tso);
        long work = TransmitWorkPs(packet, segments, hardware);
        long done = Charge(packet, work, packet.Trace is null ? null : hardware ? "ndo_start_xmit" : $"gso: {segments} segments + ndo_start_xmit");
        NicTxQueue q = _tx[(uint)packet.Core % (uint)_tx.Length];
        q.Count(segments);
        TxPackets++;
        if (segments > 1)
        {
            if (hardware) HardwareSegments += segments;
            else SoftwareSegments += segments;
        }
        Node.Sim.ScheduleAtPicoseconds(done + _txLatencyPs, q, EventKinds.PacketArrival, 0, packet, Node.Id);
    }

    /// <summary>After the transmit DMA: segments a super-packet and puts each frame on the wire.</summary>
    internal void SendToWire(Packet packet)
    {
        if (packet.SegmentCount == 1)
        {
            packet.GsoSize = 0; // a GSO packet that fits in one segment leaves as a plain frame
            Emit(packet);
            return;
        }
        int n = GsoSegmenter.Segment(packet, ref _segments);
        for (int i = 0; i < n; i++)
        {
            Emit(_segments[i]);
            _segments[i] = null!;
        }
    }

    void ILinkEndpoint.FrameArrived(Packet frame, LinkEnd at, long completeAtPs)
    {
        long now = Node.Sim.NowPicoseconds;
        Tap?.Capture(frame, now);
        RxFrames++;
        RxBytes += frame.Length;
        if (L3Bytes(frame) > Mtu)
        {
            CountedDrop(frame, DropReason.MtuExceeded);
            return;
        }
        if (!Spec.Promiscuous && frame.TopKind == HeaderKind.Ethernet && !AcceptsDestination(frame.Top.Ethernet.Destination))
        {
            CountedDrop(frame, DropReason.NotForThisHost);
            return;
        }
        uint hash = RssHash(frame);
        frame.Hash = hash;
        frame.IngressInterface = Spec.IfIndex;
        _rx[_indirection[hash % IndirectionTableSize]].Enqueue(frame, now + _rxLatencyPs);
    }

    /// <summary>
    /// Driver receive work for one frame on its RX queue's core; returns when it ends. Checksums the NIC did not verify
    /// are verified in software over the frame's bytes (<see cref="RxChecksum.NeedsSoftware(Packet, NicOffloads)"/>).
    /// </summary>
    internal long ChargeReceive(Packet frame, in FrameLayers layers)
    {
        int bytes = frame.Length;
        bool software = RxChecksum.NeedsSoftware(layers, Spec.Offloads);
        long work = _receive.For(bytes) + (software ? _checksum.For(bytes) : 0);
        return Charge(frame, work, frame.Trace is null ? null : "napi poll: receive");
    }

    internal long ChargeGroMerge(Packet segment) =>
        Charge(segment, _groMerge.For(segment.Length), segment.Trace is null ? null : "gro: merged");

    /// <summary>Hands a received packet to the stack at <paramref name="atPs"/>.</summary>
    internal void DeliverUp(Packet packet, long atPs)
    {
        PacketElement? target = ReceiveTarget;
        if (target is null)
        {
            CountedDrop(packet, DropReason.DeviceDown);
            return;
        }
        Node.Sim.ScheduleAtPicoseconds(atPs, target, EventKinds.PacketArrival, 0, packet, Node.Id);
    }

    internal void DropFrame(Packet frame, DropReason reason) => CountedDrop(frame, reason);

    private void Emit(Packet frame)
    {
        Tap?.Capture(frame, Node.Sim.NowPicoseconds);
        TxFrames++;
        TxBytes += frame.Length;
        _port!.Transmit(frame);
    }

    /// <summary>CPU for one transmit: per packet when the NIC segments, per segment when the kernel must.</summary>
    private long TransmitWorkPs(Packet packet, int segments, bool hardware)
    {
        int headers = packet.Length - packet.PayloadLength;
        int wireBytes = headers * segments + packet.PayloadLength;
        long checksum = _checksumOffload ? 0 : _checksum.For(wireBytes);
        if (hardware) return _xmit.For(packet.Length) + checksum;
        int full = headers + packet.GsoSize;
        int last = headers + packet.PayloadLength - packet.GsoSize * (segments - 1);
        long perFull = _xmit.For(full) + _gsoSegment.For(full);
        long perLast = _xmit.For(last) + _gsoSegment.For(last);
        return perFull * (segments - 1) + perLast + checksum;
    }

    private void PushEthernet(Packet packet)
    {
        ref EthernetHeader eth = ref packet.PushEthernet();
        eth.Source = Mac;
        eth.Destination = DefaultDestination;
        eth.EtherType = EthernetHeader.EtherTypeIpv4;
    }

    private bool AcceptsDestination(MacAddress destination) =>
        destination == Mac || destination.IsBroadcast || destination.IsMulticast || (_unicastFilter is { } f && f.Contains(destination.Value));

    private HashSet<ulong>? _unicastFilter;

    /// <summary>dev_uc_add → ndo_set_rx_mode: the NIC accepts frames for another unicast MAC too (a macvlan on top of it).</summary>
    public void AddUnicastAddress(MacAddress mac) => (_unicastFilter ??= new HashSet<ulong>()).Add(mac.Value);

    /// <summary>dev_uc_del: the NIC stops accepting <paramref name="mac"/>.</summary>
    public void RemoveUnicastAddress(MacAddress mac) => _unicastFilter?.Remove(mac.Value);

    private void CountedDrop(Packet packet, DropReason reason)
    {
        Drops++;
        Drop(packet, reason);
    }

    /// <summary>Encapsulated packets (VXLAN, Geneve, IPIP, GRE) carry more than one IPv4 header.</summary>
    private static bool IsEncapsulated(Packet packet) =>
        packet.IndexOfOuter(HeaderKind.Ipv4) != packet.IndexOfInner(HeaderKind.Ipv4);

    private static int L3Bytes(Packet packet)
    {
        int bytes = packet.Length;
        return packet.TopKind == HeaderKind.Ethernet ? bytes - packet.Top.Ethernet.Length : bytes;
    }
}
