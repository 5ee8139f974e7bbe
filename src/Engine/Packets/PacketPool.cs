namespace NetSim.Engine.Packets;

/// <summary>
/// Owns every packet of a run and keeps the conservation ledger: each packet rented is eventually delivered,
/// dropped with a reason, or absorbed into another packet (GRO merge, GSO split); the rest are in flight.
/// Returned packets are reused, so the steady state allocates nothing.
/// </summary>
public sealed class PacketPool
{
    private readonly Stack<Packet> _free = new();
    private readonly long[] _dropped = new long[Enum.GetValues<DropReason>().Length];
    private long _nextId;

    /// <summary>Packets handed out (sent, in the conservation sense).</summary>
    public long Rented { get; private set; }
    public long Delivered { get; private set; }
    public long Absorbed { get; private set; }
    public long DroppedTotal { get; private set; }
    /// <summary>Packets rented and not yet returned.</summary>
    public long Outstanding => Rented - Delivered - Absorbed - DroppedTotal;

    /// <summary>Raised for every drop (for counters and traces); never on the hot path unless subscribed.</summary>
    public event Action<Packet, DropReason>? PacketDropped;

    public long Dropped(DropReason reason) => _dropped[(int)reason];

    /// <summary>
    /// When set, every packet rented carries a <see cref="PacketTrace"/> (netsim trace: one exchange, every hop
    /// recorded). Off in normal runs, so the per-packet path allocates nothing.
    /// </summary>
    public bool TraceNewPackets { get; set; }

    /// <summary>Receives each traced packet as it ends (delivered, dropped or absorbed), before it is reused.</summary>
    public Action<Packet>? TraceFinished { get; set; }

    public Packet Rent()
    {
        Packet p = _free.Count > 0 ? _free.Pop() : new Packet(this);
        p.Reset();
        p.InPool = false;
        p.Id = ++_nextId;
        if (TraceNewPackets) p.Trace = new PacketTrace();
        Rented++;
        return p;
    }

    /// <summary>A packet reached its final consumer (a socket, a sink).</summary>
    public void Deliver(Packet p)
    {
        Delivered++;
        Return(p);
    }

    /// <summary>A packet was dropped; the reason is counted.</summary>
    public void Drop(Packet p, DropReason reason)
    {
        _dropped[(int)reason]++;
        DroppedTotal++;
        PacketDropped?.Invoke(p, reason);
        Return(p);
    }

    /// <summary>A packet was merged into another (GRO) or replaced by its segments (GSO).</summary>
    public void Absorb(Packet p)
    {
        Absorbed++;
        Return(p);
    }

    private void Return(Packet p)
    {
        if (p.Pool != this) throw new InvalidOperationException($"packet {p.Id} belongs to another pool");
        if (p.InPool) throw new InvalidOperationException($"packet {p.Id} was returned twice");
        p.InPool = true;
        p.Orphan(); // kfree_skb runs the destructor: the sender's buffer space comes back
        if (p.Trace is not null) TraceFinished?.Invoke(p);
        p.Trace = null;
        p.Conntrack = null;
        _free.Push(p);
    }
}
