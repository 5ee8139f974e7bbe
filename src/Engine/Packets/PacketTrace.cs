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

    private readonly List<(string Element, string Action, long OffsetPs, long CpuPs)> _parts = new();
    private string? _note;

    /// <summary>
    /// Records a step inside the work of the element now handling the packet (a netfilter hook, conntrack, NAT):
    /// it starts <paramref name="offsetPs"/> into that work and takes <paramref name="cpuPs"/>. The element's hop is
    /// split around its parts when it is charged, so each shows as a hop with its own time.
    /// </summary>
    public void AddPart(string element, string action, long offsetPs, long cpuPs) => _parts.Add((element, action, offsetPs, cpuPs));

    /// <summary>What the current part did, when the step itself says (e.g. "DNAT 10.96.0.10:80→10.244.1.5:8080").</summary>
    public void Note(string action) => _note = action;

    /// <summary>The note left by the current part, cleared.</summary>
    public string? TakeNote()
    {
        string? note = _note;
        _note = null;
        return note;
    }

    /// <summary>
    /// Records an element's work of <paramref name="workPs"/> ending at <paramref name="finish"/> after waiting
    /// <paramref name="waitedPs"/> for the core: one hop, or, when parts were recorded during it, the element's own
    /// pieces and each part in the order they ran (the wait is on the first).
    /// </summary>
    public void AddWork(long finish, string node, string element, string action, long workPs, long waitedPs)
    {
        if (_parts.Count == 0)
        {
            _hops.Add(new HopRecord(finish, node, element, action, workPs, waitedPs, 0));
            return;
        }
        long start = finish - workPs, cursor = 0, wait = waitedPs;
        foreach (var part in _parts.OrderBy(x => x.OffsetPs))
        {
            long offset = Math.Clamp(part.OffsetPs, cursor, workPs);
            if (offset > cursor)
            {
                _hops.Add(new HopRecord(start + offset, node, element, "", offset - cursor, wait, 0));
                wait = 0;
            }
            long cpu = Math.Min(part.CpuPs, workPs - offset);
            _hops.Add(new HopRecord(start + offset + cpu, node, part.Element, part.Action, cpu, wait, 0));
            wait = 0;
            cursor = offset + cpu;
        }
        _parts.Clear();
        _hops.Add(new HopRecord(finish, node, element, action, workPs - cursor, wait, 0));
    }
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
