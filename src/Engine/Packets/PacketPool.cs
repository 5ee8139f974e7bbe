namespace NetSim.Engine.Packets;

/// <summary>
/// Owns every packet of a run and keeps the conservation ledger: each packet rented is eventually delivered,
/// dropped with a reason, or absorbed into another packet (GRO merge, GSO split); the rest are in flight.
/// Returned packets are reused, so the steady state allocates nothing.
/// </summary>
public sealed class PacketPool
{
    private readonly Shard _main = new(1, 1);
    private Shard[]? _shards; // one per partition of a split run, so threads never share a free list or a counter

    /// <summary>Packets handed out (sent, in the conservation sense).</summary>
    public long Rented => Sum(static s => s.Rented);
    public long Delivered => Sum(static s => s.Delivered);
    public long Absorbed => Sum(static s => s.Absorbed);
    public long DroppedTotal => Sum(static s => s.DroppedTotal);
    /// <summary>Packets rented and not yet returned.</summary>
    public long Outstanding => Rented - Delivered - Absorbed - DroppedTotal;

    /// <summary>Raised for every drop (for counters and traces); never on the hot path unless subscribed.</summary>
    public event Action<Packet, DropReason>? PacketDropped;

    public long Dropped(DropReason reason) => Sum(s => s.Dropped[(int)reason]);

    /// <summary>
    /// When set, every packet rented carries a <see cref="PacketTrace"/> (netsim trace: one exchange, every hop
    /// recorded). Off in normal runs, so the per-packet path allocates nothing.
    /// </summary>
    public bool TraceNewPackets { get; set; }

    /// <summary>Receives each traced packet as it ends (delivered, dropped or absorbed), before it is reused.</summary>
    public Action<Packet>? TraceFinished { get; set; }

    /// <summary>
    /// Gives each of <paramref name="partitions"/> threads of a split run its own free list and counters (the
    /// totals add them up). Packet ids stay unique: partition i numbers i+1, i+1+n, i+1+2n, ... after those taken.
    /// </summary>
    public void UsePartitions(int partitions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        var shards = new Shard[partitions];
        long start = _main.NextId;
        shards[0] = _main;
        _main.Spread(start, partitions);
        for (int i = 1; i < partitions; i++) shards[i] = new Shard(start + i, partitions);
        _shards = shards;
    }

    private Shard Current => _shards is null ? _main : _shards[Core.Partitioning.CurrentIndex];

    public Packet Rent()
    {
        Shard s = Current;
        Packet p = s.Free.Count > 0 ? s.Free.Pop() : new Packet(this);
        p.Reset();
        p.InPool = false;
        p.Id = s.NextId;
        s.NextId += s.Stride;
        if (TraceNewPackets) p.Trace = new PacketTrace();
        s.Rented++;
        return p;
    }

    /// <summary>A packet reached its final consumer (a socket, a sink).</summary>
    public void Deliver(Packet p)
    {
        Shard s = Current;
        s.Delivered++;
        Return(s, p);
    }

    /// <summary>A packet was dropped; the reason is counted.</summary>
    public void Drop(Packet p, DropReason reason)
    {
        Shard s = Current;
        s.Dropped[(int)reason]++;
        s.DroppedTotal++;
        PacketDropped?.Invoke(p, reason);
        Return(s, p);
    }

    /// <summary>A packet was merged into another (GRO) or replaced by its segments (GSO).</summary>
    public void Absorb(Packet p)
    {
        Shard s = Current;
        s.Absorbed++;
        Return(s, p);
    }

    private void Return(Shard s, Packet p)
    {
        if (p.Pool != this) throw new InvalidOperationException($"packet {p.Id} belongs to another pool");
        if (p.InPool) throw new InvalidOperationException($"packet {p.Id} was returned twice");
        p.InPool = true;
        p.Orphan(); // kfree_skb runs the destructor: the sender's buffer space comes back
        if (p.Trace is not null) TraceFinished?.Invoke(p);
        p.Trace = null;
        p.Conntrack = null;
        s.Free.Push(p);
    }

    private long Sum(Func<Shard, long> of)
    {
        if (_shards is null) return of(_main);
        long n = 0;
        foreach (var s in _shards) n += of(s);
        return n;
    }

    /// <summary>One thread's free list, ledger and id sequence.</summary>
    private sealed class Shard(long firstId, int stride)
    {
        public readonly Stack<Packet> Free = new();
        public readonly long[] Dropped = new long[Enum.GetValues<DropReason>().Length];
        public long NextId = firstId;
        public int Stride = stride;
        public long Rented;
        public long Delivered;
        public long Absorbed;
        public long DroppedTotal;

        public void Spread(long start, int stride)
        {
            NextId = start;
            Stride = stride;
        }
    }
}
