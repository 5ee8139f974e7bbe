using NetSim.Engine.Core;
using NetSim.Engine.Elements;
using NetSim.Engine.Packets;

namespace NetSim.Traffic.Tests.Harness;

/// <summary>
/// A one-way Ethernet wire test double: TSO/GSO super-packets are cut into MSS segments here (like a NIC), each
/// frame costs (IP length + 14 header + 4 FCS, padded to 64) + 8 preamble + 12 inter-frame gap bytes of line time,
/// then propagates. Drop-tail queue measured in bytes not yet serialized (including the frame in service);
/// optional Bernoulli loss from a seeded System.Random; optional ECN CE marking above a backlog threshold.
/// Serialization is computed from a busy-until time; frames wait in the wire's own FIFO and only the head's arrival
/// is in the event heap, so a frame costs one event and a deep queue does not deepen the heap. The tap sees every
/// frame offered to the wire, including those then lost.
/// </summary>
public sealed class TestWire : PacketElement, IPacketHolder
{
    public const int EthernetOverhead = 14 + 4;     // header + FCS
    public const int PhysicalOverhead = 8 + 12;     // preamble/SFD + inter-frame gap
    public const int MinimumFrame = 64;

    private readonly long _rateBps;
    private readonly long _propagationPs;
    private readonly long _queueBytes;
    private readonly Random? _random;
    private readonly Delivery _delivery;
    private Packet[] _fifo = new Packet[256];
    private long[] _arrival = new long[256];
    private int _head;
    private int _count;

    /// <summary>The queue is bounded when it has a byte limit.</summary>
    public bool Bounded => _queueBytes > 0;
    private long _busyUntil;
    private int _dropNext;

    public TestWire(NodeContext node, string name, long rateBitsPerSecond, SimTime propagation, long queueBytes,
        double lossProbability = 0, int seed = 1)
        : base(node, name)
    {
        _rateBps = rateBitsPerSecond;
        _propagationPs = propagation.Picoseconds;
        _queueBytes = queueBytes;
        LossProbability = lossProbability;
        _random = lossProbability > 0 ? new Random(seed) : null;
        _delivery = new Delivery(this);
        node.Holders.Add(this);
    }

    /// <summary>Frames on the wire or waiting for it (not in any event).</summary>
    public int HeldPackets => _count;

    public PacketElement? Next { get; set; }
    public double LossProbability { get; set; }
    /// <summary>Mark CE on ECT packets when the backlog exceeds this many bytes (0 = never).</summary>
    public long EcnMarkBytes { get; set; }
    /// <summary>Drops every frame (a cable pulled) while true.</summary>
    public bool Down { get; set; }
    public IPacketTap? Tap { get; set; }
    public long FramesSent { get; private set; }
    public long WireBytesSent { get; private set; }
    public long PayloadBytesSent { get; private set; }

    /// <summary>Bytes on the wire for one frame with this IP total length.</summary>
    public static int FrameBytes(int ipLength) => Math.Max(ipLength + EthernetOverhead, MinimumFrame) + PhysicalOverhead;

    public long SerializationPs(int ipLength) => FrameBytes(ipLength) * 8L * SimTime.PicosPerSecond / _rateBps;

    public override void Receive(Packet packet)
    {
        if (packet.GsoSize > 0 && packet.PayloadLength > packet.GsoSize) Segment(packet);
        else Send(packet);
    }

    private void Segment(Packet super)
    {
        int mss = super.GsoSize;
        int total = super.PayloadLength;
        bool isTcp = super.Has(HeaderKind.Tcp);
        for (int offset = 0; offset < total; offset += mss)
        {
            Packet seg = Node.Pool.Rent();
            seg.CopyFrom(super);
            seg.GsoSize = 0;
            seg.PayloadLength = Math.Min(mss, total - offset);
            if (isTcp)
            {
                ref var tcp = ref seg.Tcp;
                tcp.SequenceNumber += (uint)offset;
                bool last = offset + mss >= total;
                if (!last) tcp.Flags &= ~(TcpFlags.Fin | TcpFlags.Psh);
                if (offset > 0) tcp.Flags &= ~TcpFlags.Cwr;
            }
            Send(seg);
        }
        Node.Pool.Absorb(super);
    }

    /// <summary>Drops the next <paramref name="frames"/> frames offered to the wire (a deterministic single loss).</summary>
    public void DropNext(int frames) => _dropNext += frames;

    private void Send(Packet p)
    {
        long now = Node.Sim.NowPicoseconds;
        Tap?.Capture(p, now); // like a capture on the sending interface: every frame offered, lost or not
        if (_dropNext > 0)
        {
            _dropNext--;
            Drop(p, DropReason.LinkLoss);
            return;
        }
        if (Down || (_random is not null && _random.NextDouble() < LossProbability))
        {
            Drop(p, DropReason.LinkLoss);
            return;
        }
        int ipLength = p.Ipv4Length;
        int frame = FrameBytes(ipLength);
        long backlog = _busyUntil > now ? (_busyUntil - now) * _rateBps / (8 * SimTime.PicosPerSecond) : 0;
        if (backlog + frame > _queueBytes)
        {
            Drop(p, DropReason.QueueFull);
            return;
        }
        if (EcnMarkBytes > 0 && backlog > EcnMarkBytes)
        {
            ref Ipv4Header ip = ref p.Ipv4;
            if (ip.Ecn is EcnCodepoint.Ect0 or EcnCodepoint.Ect1) ip.Ecn = EcnCodepoint.CongestionExperienced;
        }
        long start = Math.Max(now, _busyUntil);
        _busyUntil = start + frame * 8L * SimTime.PicosPerSecond / _rateBps;
        FramesSent++;
        WireBytesSent += frame;
        PayloadBytesSent += p.PayloadLength;
        Enqueue(p, _busyUntil + _propagationPs);
    }

    private void Enqueue(Packet p, long arrival)
    {
        if (_count == _fifo.Length)
        {
            var fifo = new Packet[_count * 2];
            var times = new long[_count * 2];
            for (int i = 0; i < _count; i++)
            {
                fifo[i] = _fifo[(_head + i) % _fifo.Length];
                times[i] = _arrival[(_head + i) % _fifo.Length];
            }
            _fifo = fifo;
            _arrival = times;
            _head = 0;
        }
        int tail = (_head + _count) % _fifo.Length;
        _fifo[tail] = p;
        _arrival[tail] = arrival;
        if (_count++ == 0) Node.Sim.ScheduleAtPicoseconds(arrival, _delivery, EventKinds.FrameArrival, 0, null, Node.Id);
    }

    /// <summary>The head frame reaches the far end; the next one's arrival is queued.</summary>
    private void DeliverHead()
    {
        Packet p = _fifo[_head];
        _fifo[_head] = null!;
        _head = (_head + 1) % _fifo.Length;
        _count--;
        if (_count > 0) Node.Sim.ScheduleAtPicoseconds(_arrival[_head], _delivery, EventKinds.FrameArrival, 0, null, Node.Id);
        Next!.Receive(p);
    }

    private sealed class Delivery(TestWire wire) : IEventTarget
    {
        public void OnEvent(in SimEvent ev) => wire.DeliverHead();
    }
}
