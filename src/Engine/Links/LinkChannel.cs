using System.Diagnostics.CodeAnalysis;
using NetSim.Engine.Core;
using NetSim.Engine.Elements;
using NetSim.Engine.Packets;

namespace NetSim.Engine.Links;

/// <summary>
/// One direction of a link: a drop-tail transmit queue feeding a wire. A frame occupies the wire for its
/// serialization time (see <see cref="EthernetFraming"/>); when it completes the next queued frame starts, and
/// the frame arrives at the far end one propagation delay after its transmission completes (the 12-byte
/// inter-frame gap counts as part of the frame, so arrival = transmit complete + propagation). The wire is a FIFO
/// that nothing can pre-empt, so a frame's start is known when it is queued (when the wire is through with the frames
/// before it): its arrival is scheduled then, and the queue (<see cref="WireQueue"/>) lets it go at its start time
/// without an event for each transmission's end.
/// </summary>
public sealed class LinkChannel : IEventTarget, IPacketHolder, IPartitionCrossing
{
    private readonly Simulator _sim;
    private readonly PacketPool _pool;
    private readonly long _rate;
    private readonly long _propagationPs;
    private readonly int _mtu;
    private readonly double _lossProbability;
    private readonly System.Random? _loss;
    private long _wireFreePs; // when the wire is through with every frame given to it
    private long _lastHandedPs; // frames must be handed in time order (TransmitAt)
    private bool _carrierLost;
    private DropReason _carrierDrop;
    private Dictionary<Packet, DropReason>? _flushed; // queued frames a carrier loss cut: dropped when their arrival event comes
    private long _frames, _bytes, _wireBytes, _busyPs, _queueDelayPs; // every frame given a start, waiting ones included

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
        Queue = new WireQueue(spec.QueueLimitBytes);
    }

    public LinkEnd From { get; }
    public LinkEnd To { get; }
    /// <summary>The transmit queue (its byte limit may be changed before the run, e.g. for a switch buffer).</summary>
    public WireQueue Queue { get; }
    public long RateBitsPerSecond => _rate;
    /// <summary>ECN marking threshold in queued bytes (0 = off); may be changed before the run (e.g. per switch port).</summary>
    public long EcnThresholdBytes { get; set; }
    /// <summary>True while a frame is being serialized.</summary>
    public bool IsBusy => _wireFreePs > _sim.NowPicoseconds;
    /// <summary>True when nothing is being sent or waiting (the wire is through with every frame it was given).</summary>
    public bool IsIdle => !IsBusy;
    /// <summary>None: a frame waiting for the wire is already in its arrival event, where the conservation check counts it.</summary>
    public int HeldPackets => 0;
    public bool Bounded => Queue.Bounded;

    /// <summary>Frames put on the wire.</summary>
    public long Frames => _frames - Waiting().Frames;
    /// <summary>Packet bytes of those frames (Ethernet header included, FCS/preamble/gap not).</summary>
    public long Bytes => _bytes - Waiting().Bytes;
    /// <summary>Byte times on the wire including FCS, padding, preamble and inter-frame gap.</summary>
    public long WireBytes => _wireBytes - Waiting().WireBytes;
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
    public long BusyPs => _busyPs - Waiting().BusyPs;
    /// <summary>Sum over sent frames of the time each waited in the queue.</summary>
    public long QueueDelayPs => _queueDelayPs - Waiting().DelayPs;

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

    /// <summary>
    /// A split run's dynamic lookahead across this wire: a frame handed at or after <paramref name="fromPs"/> starts
    /// once the wire is through with the frames it already has (it is a FIFO), so it arrives no sooner than the later
    /// of the two plus the shortest transit. (Carrier changes could free the wire early; they come from scenario
    /// events, which a split run refuses, and the engine's check on every event would catch one.)
    /// </summary>
    public long EarliestCrossingPs(long fromPs) => Math.Max(fromPs, _wireFreePs) + MinimumTransitPs;

    /// <summary>Serialization time of a packet of <paramref name="packetBytes"/> on this channel.</summary>
    public long SerializationPs(int packetBytes) => EthernetFraming.SerializationPs(EthernetFraming.WireBytes(packetBytes), _rate);

    /// <summary>Sends a frame: onto the wire if it is idle, else into the queue (or dropped when the queue is full).</summary>
    public void Transmit(Packet frame) => Hand(frame, _sim.NowPicoseconds);

    /// <summary>
    /// Hands a frame to this wire at <paramref name="atPs"/>, now or later (a switch's forwarding latency), exactly as
    /// <see cref="Transmit"/> at that time would. Frames must be handed in time order, so the one sender of a wire
    /// may do this only when its delay is the same for every frame.
    /// </summary>
    public void TransmitAt(Packet frame, long atPs)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (atPs < _sim.NowPicoseconds || atPs < _lastHandedPs)
            throw new InvalidOperationException($"{From} got a frame for {new SimTime(atPs)}, before one it already has");
        Hand(frame, atPs);
    }

    private void Hand(Packet frame, long at)
    {
        _lastHandedPs = at;
        if (_carrierLost)
        {
            DropNoCarrier(frame, at);
            return;
        }
        int bytes = frame.Length;
        if (L3Bytes(frame, bytes) > _mtu)
        {
            DroppedMtu++;
            DropFrame(frame, DropReason.MtuExceeded, at);
            return;
        }
        long now = _sim.NowPicoseconds;
        Queue.AdvanceTo(now);
        long start = at;
        long waiting = 0;
        if (_wireFreePs > at)
        {
            waiting = at == now ? Queue.Bytes : Queue.BytesWaitingAt(at);
            if (!Queue.Fits(waiting, bytes))
            {
                DroppedQueueFull++;
                DropFrame(frame, DropReason.QueueFull, at);
                return;
            }
            // DCTCP-style step marking: the queue an arriving packet sees decides (bytes waiting, the wire's frame excluded).
            if (EcnThresholdBytes > 0 && waiting > EcnThresholdBytes && TryMarkCe(frame)) EcnMarked++;
            start = _wireFreePs;
        }
        if (start > now) Queue.Add(frame, bytes, at, start, waiting, _wireFreePs); // not on the wire yet: a carrier loss can still cut it
        Start(frame, bytes, start, start - at);
    }

    void IEventTarget.OnEvent(in SimEvent ev)
    {
        if (ev.Kind == EventKinds.TransmitComplete) ((ISkbOwner)ev.Payload!).Free((int)ev.Arg);
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
        Queue.AdvanceTo(_sim.NowPicoseconds);
        if (Queue.Count == 0) return;
        // The flushed frames never start: the wire is free once the frame on it is through, and they leave the counts.
        _wireFreePs = Queue.WireFreeBefore(0);
        var w = Waiting();
        _frames -= w.Frames;
        _bytes -= w.Bytes;
        _wireBytes -= w.WireBytes;
        _busyPs -= w.BusyPs;
        _queueDelayPs -= w.DelayPs;
        _flushed ??= new Dictionary<Packet, DropReason>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < Queue.Count; i++)
        {
            DroppedNoCarrier++;
            _flushed[Queue.FrameAt(i)] = reason;
        }
        Queue.Clear();
    }

    /// <summary>Carrier back (netif_carrier_on): frames flow again.</summary>
    public void RestoreCarrier() => _carrierLost = false;

    private void DropNoCarrier(Packet frame, long at)
    {
        DroppedNoCarrier++;
        DropFrame(frame, _carrierDrop, at);
    }

    /// <summary>The frame starts on the wire at <paramref name="start"/> (now, or when the frames before it are through).</summary>
    private void Start(Packet frame, int bytes, long start, long waitedPs)
    {
        // The NIC has the frame: TX completion frees the sender's skb (the frame itself goes on); at its start time.
        if (frame.Owner is { } owner)
        {
            if (start == _sim.NowPicoseconds) frame.Orphan();
            else
            {
                frame.Owner = null;
                _sim.ScheduleAtPicoseconds(start, this, EventKinds.TransmitComplete, frame.Truesize, owner, From.NodeId);
            }
        }
        int wire = EthernetFraming.WireBytes(bytes);
        long serPs = EthernetFraming.SerializationPs(wire, _rate);
        _wireFreePs = start + serPs;
        _frames++;
        _bytes += bytes;
        _wireBytes += wire;
        _busyPs += serPs;
        _queueDelayPs += waitedPs;
        frame.Trace?.Add(new HopRecord(start + serPs, From.Link.Name, From.Name, "wire", 0, waitedPs, serPs + _propagationPs));
        long complete = start + serPs + _propagationPs;
        long arrival = complete;
        int header = To.CutThroughBytes;
        if (header > 0 && header < bytes)
            arrival = start + EthernetFraming.SerializationPs(EthernetFraming.PreambleBytes + header, _rate) + _propagationPs;
        // The arrival belongs to the receiver: in a split run it crosses partitions.
        _sim.ScheduleAtPicoseconds(arrival, this, EventKinds.FrameArrival, complete, frame, To.NodeId);
    }

    /// <summary>What the frames still waiting (queued, not started) add to the counters, as of now.</summary>
    private (long Frames, long Bytes, long WireBytes, long BusyPs, long DelayPs) Waiting()
    {
        Queue.AdvanceTo(_sim.NowPicoseconds);
        long bytes = 0, wire = 0, busy = 0, delay = 0;
        for (int i = 0; i < Queue.Count; i++)
        {
            int b = Queue.BytesAt(i);
            int w = EthernetFraming.WireBytes(b);
            bytes += b;
            wire += w;
            busy += EthernetFraming.SerializationPs(w, _rate);
            delay += Queue.StartAt(i) - Queue.QueuedAt(i);
        }
        return (Queue.Count, bytes, wire, busy, delay);
    }

    private void Arrive(Packet frame, long completeAt)
    {
        if (_flushed is not null && _flushed.Remove(frame, out DropReason flushedBy))
        {
            DropFrame(frame, flushedBy, _sim.NowPicoseconds); // counted when the carrier went
            return;
        }
        if (_carrierLost)
        {
            DropNoCarrier(frame, _sim.NowPicoseconds);
            return;
        }
        if (_lossProbability > 0 && Draw() < _lossProbability)
        {
            DroppedLoss++;
            DropFrame(frame, DropReason.LinkLoss, _sim.NowPicoseconds);
            return;
        }
        ILinkEndpoint? endpoint = To.Endpoint;
        if (endpoint is null)
        {
            DroppedNoReceiver++;
            DropFrame(frame, DropReason.DeviceDown, _sim.NowPicoseconds);
            return;
        }
        Delivered++;
        endpoint.FrameArrived(frame, To, completeAt);
    }

    [SuppressMessage("Security", "CA5394", Justification = "Simulation randomness from a seeded stream, not security.")]
    private double Draw() => _loss!.NextDouble();

    private void DropFrame(Packet frame, DropReason reason, long at)
    {
        frame.Trace?.Add(new HopRecord(at, From.Link.Name, From.Name, $"drop: {reason}", 0, 0, 0));
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
