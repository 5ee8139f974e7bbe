namespace NetSim.Engine.Packets;

/// <summary>
/// The hop-by-hop walk of one traced packet (off by default: only packets with tracing on carry one, so the
/// per-packet path allocates nothing in normal runs).
/// </summary>
public sealed class PacketTrace
{
    private readonly List<HopRecord> _hops = new();

    public IReadOnlyList<HopRecord> Hops => _hops;

    public void Add(in HopRecord hop) => _hops.Add(hop);
}

/// <summary>
/// One hop of a traced packet: which element on which node did what, and where the time went.
/// Times are in picoseconds; <see cref="At"/> is when the hop finished.
/// </summary>
public readonly record struct HopRecord(
    long At,
    string Node,
    string Element,
    string Action,
    long CpuPs,
    long QueuePs,
    long WirePs);
