using NetSim.Engine.Packets;

namespace NetSim.Engine.Links;

/// <summary>
/// A FIFO of packets with a byte limit and an optional packet limit (a transmit queue, a switch port buffer, an
/// RX descriptor ring). The owner drops what <see cref="TryEnqueue"/> refuses. Each entry carries a time (when it
/// was queued, or when it becomes ready). A ring buffer that only grows: nothing is allocated per packet.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "Drop-tail queue is the networking term for it.")]
public sealed class DropTailQueue : IPacketHolder
{
    private Packet?[] _packets;
    private long[] _times;
    private int[] _sizes;
    private int _head;
    private int _count;

    /// <param name="byteLimit">Capacity in packet bytes; 0 = unlimited.</param>
    /// <param name="packetLimit">Capacity in packets (descriptors); 0 = unlimited.</param>
    public DropTailQueue(long byteLimit, int packetLimit = 0, int initialCapacity = 64)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(byteLimit);
        ArgumentOutOfRangeException.ThrowIfNegative(packetLimit);
        ByteLimit = byteLimit;
        PacketLimit = packetLimit;
        int cap = Math.Max(4, packetLimit > 0 ? Math.Min(packetLimit, initialCapacity) : initialCapacity);
        _packets = new Packet?[cap];
        _times = new long[cap];
        _sizes = new int[cap];
    }

    public long ByteLimit { get; set; }
    public int PacketLimit { get; set; }
    public int Count => _count;
    public long Bytes { get; private set; }
    public int HeldPackets => _count;
    public bool Bounded => ByteLimit > 0 || PacketLimit > 0;
    /// <summary>Highest byte occupancy seen.</summary>
    public long PeakBytes { get; private set; }

    /// <summary>True when a packet of <paramref name="bytes"/> would fit.</summary>
    public bool Fits(int bytes) =>
        (ByteLimit == 0 || Bytes + bytes <= ByteLimit) && (PacketLimit == 0 || _count < PacketLimit);

    /// <summary>Appends the packet if it fits; false (and nothing changes) when it does not.</summary>
    public bool TryEnqueue(Packet packet, int bytes, long time)
    {
        if (!Fits(bytes)) return false;
        if (_count == _packets.Length) Grow();
        int tail = _head + _count;
        if (tail >= _packets.Length) tail -= _packets.Length;
        _packets[tail] = packet;
        _times[tail] = time;
        _sizes[tail] = bytes;
        _count++;
        Bytes += bytes;
        if (Bytes > PeakBytes) PeakBytes = Bytes;
        return true;
    }

    /// <summary>The time stored with the head packet; only valid when <see cref="Count"/> is positive.</summary>
    public long PeekTime => _times[_head];

    /// <summary>Removes the head packet; <paramref name="time"/> is the time it was queued with.</summary>
    public Packet Dequeue(out long time)
    {
        if (_count == 0) throw new InvalidOperationException("dequeue from an empty queue");
        Packet p = _packets[_head]!;
        time = _times[_head];
        Bytes -= _sizes[_head];
        _packets[_head] = null;
        if (++_head == _packets.Length) _head = 0;
        _count--;
        return p;
    }

    private void Grow()
    {
        int n = _packets.Length * 2;
        RingArrays.Unwrap(ref _packets, _head, _count, n);
        RingArrays.Unwrap(ref _times, _head, _count, n);
        RingArrays.Unwrap(ref _sizes, _head, _count, n);
        _head = 0;
    }
}
