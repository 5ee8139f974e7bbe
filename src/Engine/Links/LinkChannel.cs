using System.Diagnostics.CodeAnalysis;
using NetSim.Engine.Core;
using NetSim.Engine.Elements;
using NetSim.Engine.Packets;

namespace NetSim.Engine.Links;

/// <summary>
/// One direction of a link: a drop-tail transmit queue feeding a wire. A frame occupies the wire for its
/// serialization time (see <see cref="EthernetFraming"/>); when it completes the next queued frame starts, and
/// the frame arrives at the far end one propagation delay after its transmission completes (the 12-byte
/// inter-frame gap counts as part of the frame, so arrival = transmit complete + propagation).
/// </summary>
public sealed class LinkChannel : IEventTarget, IPacketHolder
{
    private readonly Simulator _sim;
    private readonly PacketPool _pool;
    private readonly long _rate;
    private readonly long _propagationPs;
    private readonly int _mtu;
    private readonly double _lossProbability;
    private readonly System.Random? _loss;
    private bool _busy;
    private bool _carrierLost;
    private DropReason _carrierDrop;

    internal LinkChannel(Simulator sim, PacketPool pool, LinkSpec spec, System.Random? loss, LinkEnd from, LinkEnd to)
    {
        _sim = sim;
        _pool = pool;
        _rate = spec.RateBitsPerSecond;
        _propagationPs = spec.PropagationDelay.Picoseconds;
        _mtu = spec.Mtu;
        EcnThresholdBytes = spec.EcnThresholdBytes;
        _lossProbability = spec.LossProbability;
        _loss = loss;
        From = from;
        To = to;
        Queue = new DropTailQueue(spec.QueueLimitBytes);
    }

    public LinkEnd From { get; }
    public LinkEnd To { get; }
    /// <summary>The transmit queue (its byte limit may be changed before the run, e.g. for a switch buffer).</summary>
    public DropTailQueue Queue { get; }
    public long RateBitsPerSecond => _rate;
    /// <summary>ECN marking threshold in queued bytes (0 = off); may be changed before the run (e.g. per switch port).</summary>
    public long EcnThresholdBytes { get; set; }
    /// <summary>True while a frame is being serialized.</summary>
    public bool IsBusy => _busy;
    /// <summary>True when nothing is being sent or waiting.</summary>
    public bool IsIdle => !_busy && Queue.Count == 0;
    public int HeldPackets => Queue.Count;
    public bool Bounded => Queue.Bounded;

    /// <summary>Frames put on the wire.</summary>
    public long Frames { get; private set; }
    /// <summary>Packet bytes of those frames (Ethernet header included, FCS/preamble/gap not).</summary>
    public long Bytes { get; private set; }
    /// <summary>Byte times on the wire including FCS, padding, preamble and inter-frame gap.</summary>
    public long WireBytes { get; private set; }
    /// <summary>Frames handed to the far end.</summary>
    public long Delivered { get; private set; }
    public long DroppedQueueFull { get; private set; }
    public long DroppedLoss { get; private set; }
    public long DroppedMtu { get; private set; }
    public long DroppedNoReceiver { get; private set; }
    /// <summary>Frames lost because the link had no carrier: refused, flushed from the queue, or cut on the wire.</summary>
    public long DroppedNoCarrier { get; private set; }
    /// <summary>False while the link has no carrier (<see cref="LoseCarrier"/>).</summary>
    public bool HasCarrier => !_carrierLost;
    public long EcnMarked { get; private set; }
    /// <summary>Picoseconds the wire was busy (sum of serialization times).</summary>
    public long BusyPs { get; private set; }
    /// <summary>Sum over sent frames of the time each waited in the queue.</summary>
    public long QueueDelayPs { get; private set; }

    public long Dropped => DroppedQueueFull + DroppedLoss + DroppedMtu + DroppedNoReceiver + DroppedNoCarrier;

    /// <summary>Fraction of <paramref name="elapsedPs"/> the wire was busy.</summary>
    public double Utilisation(long elapsedPs) => elapsedPs <= 0 ? 0 : Math.Min(1.0, BusyPs / (double)elapsedPs);

    /// <summary>
    /// The least time from a frame starting on this wire to its arrival at the far end: the shortest frame's
    /// serialization (or the cut-through header's) plus propagation. A split run's lookahead across this link.
    /// </summary>
    public long MinimumTransitPs
    {
        get
        {
            long serPs = SerializationPs(1); // padded to the 64-byte minimum frame
            int header = To.CutThroughBytes;
            if (header > 0) serPs = Math.Min(serPs, EthernetFraming.SerializationPs(EthernetFraming.PreambleBytes + header, _rate));
            return serPs + _propagationPs;
        }
    }

    /// <summary>Serialization time of a packet of <paramref name="packetBytes"/> on this channel.</summary>
    public long SerializationPs(int packetBytes) => EthernetFraming.SerializationPs(EthernetFraming.WireBytes(packetBytes), _rate);

    /// <summary>Sends a frame: onto the wire if it is idle, else into the queue (or dropped when the queue is full).</summary>
    public void Transmit(Packet frame)
    {
        if (_carrierLost)
        {
            DropNoCarrier(frame);
            return;
        }
        int bytes = frame.Length;
        if (L3Bytes(frame, bytes) > _mtu)
        {
            DroppedMtu++;
            DropFrame(frame, DropReason.MtuExceeded);
            return;
        }
        if (!_busy)
        {
            Start(frame, bytes, 0);
            return;
        }
        if (!Queue.Fits(bytes))
        {
            DroppedQueueFull++;
            DropFrame(frame, DropReason.QueueFull);
            return;
        }
        // DCTCP-style step marking: the queue an arriving packet sees decides (bytes waiting, the wire's frame excluded).
        if (EcnThresholdBytes > 0 && Queue.Bytes > EcnThresholdBytes && TryMarkCe(frame)) EcnMarked++;
        Queue.TryEnqueue(frame, bytes, _sim.NowPicoseconds);
    }

    void IEventTarget.OnEvent(in SimEvent ev)
    {
        if (ev.Kind == EventKinds.TransmitComplete) OnTransmitComplete();
        else Arrive((Packet)ev.Payload!, ev.Arg);
    }

    /// <summary>
    /// Carrier lost (netif_carrier_off): the queue is flushed (dev_deactivate resets the qdisc), later frames are refused
    /// and frames on the wire do not arrive; each counted under <paramref name="reason"/>.
    /// </summary>
    public void LoseCarrier(DropReason reason)
    {
        _carrierLost = true;
        _carrierDrop = reason;
        while (Queue.Count > 0) DropNoCarrier(Queue.Dequeue(out _));
    }

    /// <summary>Carrier back (netif_carrier_on): frames flow again.</summary>
    public void RestoreCarrier() => _carrierLost = false;

    private void DropNoCarrier(Packet frame)
    {
        DroppedNoCarrier++;
        DropFrame(frame, _carrierDrop);
    }

    private void OnTransmitComplete()
    {
        _busy = false;
        if (Queue.Count == 0) return;
        long now = _sim.NowPicoseconds;
        Packet next = Queue.Dequeue(out long queuedAt);
        Start(next, next.Length, now - queuedAt);
    }

    private void Start(Packet frame, int bytes, long waitedPs)
    {
        frame.Orphan(); // the NIC has the frame: TX completion frees the sender's skb (the frame itself goes on)
        long now = _sim.NowPicoseconds;
        int wire = EthernetFraming.WireBytes(bytes);
        long serPs = EthernetFraming.SerializationPs(wire, _rate);
        _busy = true;
        Frames++;
        Bytes += bytes;
        WireBytes += wire;
        BusyPs += serPs;
        QueueDelayPs += waitedPs;
        frame.Trace?.Add(new HopRecord(now + serPs, From.Link.Name, From.Name, "wire", 0, waitedPs, serPs + _propagationPs));
        long complete = now + serPs + _propagationPs;
        long arrival = complete;
        int header = To.CutThroughBytes;
        if (header > 0 && header < bytes)
            arrival = now + EthernetFraming.SerializationPs(EthernetFraming.PreambleBytes + header, _rate) + _propagationPs;
        // The wire's end belongs to the sender, the arrival to the receiver: in a split run it crosses partitions.
        _sim.ScheduleAtPicoseconds(now + serPs, this, EventKinds.TransmitComplete, 0, null, From.NodeId);
        _sim.ScheduleAtPicoseconds(arrival, this, EventKinds.FrameArrival, complete, frame, To.NodeId);
    }

    private void Arrive(Packet frame, long completeAt)
    {
        if (_carrierLost)
        {
            DropNoCarrier(frame);
            return;
        }
        if (_lossProbability > 0 && Draw() < _lossProbability)
        {
            DroppedLoss++;
            DropFrame(frame, DropReason.LinkLoss);
            return;
        }
        ILinkEndpoint? endpoint = To.Endpoint;
        if (endpoint is null)
        {
            DroppedNoReceiver++;
            DropFrame(frame, DropReason.DeviceDown);
            return;
        }
        Delivered++;
        endpoint.FrameArrived(frame, To, completeAt);
    }

    [SuppressMessage("Security", "CA5394", Justification = "Simulation randomness from a seeded stream, not security.")]
    private double Draw() => _loss!.NextDouble();

    private void DropFrame(Packet frame, DropReason reason)
    {
        frame.Trace?.Add(new HopRecord(_sim.NowPicoseconds, From.Link.Name, From.Name, $"drop: {reason}", 0, 0, 0));
        _pool.Drop(frame, reason);
    }

    private static int L3Bytes(Packet frame, int bytes) =>
        frame.TopKind == HeaderKind.Ethernet ? bytes - frame.Top.Ethernet.Length : bytes;

    private static bool TryMarkCe(Packet frame)
    {
        int ip = frame.IndexOfOuter(HeaderKind.Ipv4);
        if (ip < 0) return false;
        ref Ipv4Header h = ref frame.Layer(ip).Ipv4;
        if (h.Ecn is not (EcnCodepoint.Ect0 or EcnCodepoint.Ect1)) return false;
        h.Ecn = EcnCodepoint.CongestionExperienced;
        return true;
    }
}
