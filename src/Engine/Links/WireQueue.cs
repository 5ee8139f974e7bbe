using NetSim.Engine.Packets;

namespace NetSim.Engine.Links;

/// <summary>
/// The transmit queue of one link direction, kept as a schedule: a FIFO wire sends each frame at a time known the
/// moment it is queued (when the frames before it are through), so every frame gets its start time on entry and
/// leaves the queue by itself when that time comes (<see cref="AdvanceTo"/>); no event marks the end of each
/// transmission. Frames are counted by what waits at the time asked (the one on the wire is not queued), with a byte
/// limit for drop-tail; a frame handed over for a later time (<see cref="LinkChannel.TransmitAt"/>) is in the queue until
/// it starts, waiting for nothing. The frames themselves travel in their arrival events; the queue keeps them only so a carrier
/// loss can name the ones that never started. A ring buffer that only grows: nothing is allocated per frame.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "A transmit queue is the networking term for it.")]
public sealed class WireQueue
{
    private Packet?[] _frames;
    private long[] _starts;
    private long[] _queuedAt;
    private long[] _freeBefore;
    private int[] _sizes;
    private int _head;
    private int _count;

    public WireQueue(long byteLimit, int initialCapacity = 64)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(byteLimit);
        ByteLimit = byteLimit;
        int cap = Math.Max(4, initialCapacity);
        _frames = new Packet?[cap];
        _starts = new long[cap];
        _queuedAt = new long[cap];
        _freeBefore = new long[cap];
        _sizes = new int[cap];
    }

    /// <summary>Capacity in packet bytes; 0 = unlimited.</summary>
    public long ByteLimit { get; set; }
    /// <summary>Frames waiting (not yet started) as of the last <see cref="AdvanceTo"/>.</summary>
    public int Count => _count;
    /// <summary>Packet bytes waiting as of the last <see cref="AdvanceTo"/>.</summary>
    public long Bytes { get; private set; }
    public bool Bounded => ByteLimit > 0;
    /// <summary>Highest byte occupancy seen.</summary>
    public long PeakBytes { get; private set; }

    /// <summary>True when a frame of <paramref name="bytes"/> would fit behind <paramref name="waitingBytes"/>.</summary>
    public bool Fits(long waitingBytes, int bytes) => ByteLimit == 0 || waitingBytes + bytes <= ByteLimit;

    /// <summary>Bytes still waiting at <paramref name="atPs"/> (at or after the last <see cref="AdvanceTo"/>), leaving the queue as it is.</summary>
    public long BytesWaitingAt(long atPs)
    {
        long bytes = Bytes;
        for (int i = 0; i < _count; i++)
        {
            int j = Slot(i);
            if (_starts[j] > atPs) break;
            bytes -= _sizes[j];
        }
        return bytes;
    }

    /// <summary>Frames whose start time has come are on the wire: they leave the queue.</summary>
    public void AdvanceTo(long nowPs)
    {
        while (_count > 0 && _starts[_head] <= nowPs)
        {
            Bytes -= _sizes[_head];
            _frames[_head] = null;
            if (++_head == _frames.Length) _head = 0;
            _count--;
        }
    }

    /// <summary>
    /// Queues a frame handed over at <paramref name="queuedAtPs"/> that will start at <paramref name="startPs"/> (after
    /// every frame already queued), behind <paramref name="waitingBytes"/> still waiting then; the wire was to be free
    /// of the frames before it at <paramref name="wireFreePs"/>.
    /// </summary>
    public void Add(Packet frame, int bytes, long queuedAtPs, long startPs, long waitingBytes, long wireFreePs)
    {
        if (_count == _frames.Length) Grow();
        int tail = _head + _count;
        if (tail >= _frames.Length) tail -= _frames.Length;
        _frames[tail] = frame;
        _starts[tail] = startPs;
        _queuedAt[tail] = queuedAtPs;
        _freeBefore[tail] = wireFreePs;
        _sizes[tail] = bytes;
        _count++;
        Bytes += bytes;
        if (startPs > queuedAtPs && waitingBytes + bytes > PeakBytes) PeakBytes = waitingBytes + bytes; // it waits
    }

    /// <summary>The <paramref name="i"/>-th waiting frame (0 = the next to start).</summary>
    public Packet FrameAt(int i) => _frames[Slot(i)]!;
    public int BytesAt(int i) => _sizes[Slot(i)];
    public long StartAt(int i) => _starts[Slot(i)];
    public long QueuedAt(int i) => _queuedAt[Slot(i)];
    /// <summary>When the wire is through with the frames before the <paramref name="i"/>-th waiting one.</summary>
    public long WireFreeBefore(int i) => _freeBefore[Slot(i)];

    /// <summary>Empties the queue (the frames' arrival events still carry them).</summary>
    public void Clear()
    {
        while (_count > 0)
        {
            _frames[_head] = null;
            if (++_head == _frames.Length) _head = 0;
            _count--;
        }
        Bytes = 0;
    }

    private int Slot(int i)
    {
        if ((uint)i >= (uint)_count) throw new ArgumentOutOfRangeException(nameof(i));
        int j = _head + i;
        return j >= _frames.Length ? j - _frames.Length : j;
    }

    private void Grow()
    {
        int n = _frames.Length * 2;
        RingArrays.Unwrap(ref _frames, _head, _count, n);
        RingArrays.Unwrap(ref _starts, _head, _count, n);
        RingArrays.Unwrap(ref _queuedAt, _head, _count, n);
        RingArrays.Unwrap(ref _freeBefore, _head, _count, n);
        RingArrays.Unwrap(ref _sizes, _head, _count, n);
        _head = 0;
    }
}
