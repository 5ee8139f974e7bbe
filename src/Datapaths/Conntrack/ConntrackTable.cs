using NetSim.Datapaths.Common;
using NetSim.Engine.Core;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Conntrack;

/// <summary>
/// A namespace's connection tracking table (nf_conntrack): entries hashed by both their original and reply
/// tuples, created unconfirmed by the first packet at PREROUTING/OUTPUT (nf_conntrack_in) and inserted when that
/// packet leaves through POSTROUTING or INPUT (nf_conntrack_confirm). Expired entries are reaped lazily on lookup
/// and when the table is full; a full table first early-drops a non-ASSURED entry among the oldest
/// <see cref="ConntrackTimeouts.EvictionRange"/>, and drops the new connection's packet when it cannot.
/// </summary>
public sealed class ConntrackTable
{
    private readonly Simulator _sim;
    private readonly Dictionary<ConntrackTuple, ConntrackRef> _hash = new();
    private ConntrackEntry? _oldest;
    private ConntrackEntry? _newest;
    private int _demand;

    public ConntrackTable(Simulator sim, Random random, int max = ConntrackTimeouts.DefaultMax)
    {
        _sim = sim;
        Random = random;
        Max = max;
    }

    public ConntrackMode Mode { get; set; } = ConntrackMode.Auto;
    /// <summary>How a clash at confirm is resolved (the kernel version's behaviour); merging matching entries by default.</summary>
    public ConntrackClash Clash { get; set; } = ConntrackClash.Matching;
    /// <summary>True when packets are tracked: mode On, or Auto with a rule that needs conntrack.</summary>
    public bool IsActive => Mode == ConntrackMode.On || (Mode == ConntrackMode.Auto && _demand > 0);
    /// <summary>nf_conntrack_max.</summary>
    public int Max { get; set; }
    /// <summary>Confirmed entries in the table (nf_conntrack_count), including expired ones not reaped yet.</summary>
    public int Count { get; private set; }
    /// <summary>The random stream NAT port selection draws from (random, random-fully, clashes).</summary>
    public Random Random { get; }

    // Statistics as conntrack -S names them.
    public long Found { get; private set; }
    public long Created { get; private set; }
    public long Inserted { get; private set; }
    public long InsertFailed { get; private set; }
    public long Invalid { get; private set; }
    public long Dropped { get; private set; }
    public long EarlyDropped { get; private set; }
    public long Expired { get; private set; }

    internal void AddDemand() => _demand++;
    internal void RemoveDemand() => _demand--;

    /// <summary>Every confirmed entry, oldest first.</summary>
    public IEnumerable<ConntrackEntry> Entries
    {
        get
        {
            for (ConntrackEntry? e = _oldest; e is not null; e = e.Newer) yield return e;
        }
    }

    /// <summary>The live (unexpired, confirmed) connection one of whose tuples is <paramref name="tuple"/>.</summary>
    public ConntrackRef? Find(in ConntrackTuple tuple)
    {
        if (!_hash.TryGetValue(tuple, out ConntrackRef? r)) return null;
        if (r.Entry!.ExpiresAt > _sim.NowPicoseconds) return r;
        Remove(r.Entry);
        Expired++;
        return null;
    }

    /// <summary>nf_nat_used_tuple: true when a live connection already uses <paramref name="tuple"/>.</summary>
    public bool IsTaken(in ConntrackTuple tuple) => Find(tuple) is not null;

    /// <summary>
    /// nf_conntrack_in: finds or creates the packet's connection and attaches it (<see cref="Packet.Conntrack"/>).
    /// Returns false when the packet must be dropped (table full). INVALID packets get no entry and pass.
    /// </summary>
    public bool In(Packet p, out DropReason reason)
    {
        reason = default;
        if (Mode == ConntrackMode.Off)
        {
            p.Conntrack = ConntrackRef.Untracked;
            return true;
        }
        if (!IsActive || p.Conntrack is not null) return true; // already attached: looped back, or NOTRACK
        int ip = p.IndexOfOuter(HeaderKind.Ipv4);
        if (ip < 0) return true;
        if (PacketFields.CarriesIcmpError(p, ip))
        {
            AttachRelated(p, ip);
            return true;
        }
        if (!ConntrackTuple.TryFrom(p, ip, out ConntrackTuple tuple))
        {
            Invalid++;
            return true;
        }
        long now = _sim.NowPicoseconds;
        int l4 = PacketFields.TransportIndex(p, ip);
        ConntrackRef? found = Find(tuple);
        if (found is not null)
        {
            Found++;
            ConntrackEntry e = found.Entry!;
            var outcome = ConntrackProtocols.Update(e, found.Direction, p, l4, now);
            if (outcome == ConntrackProtocols.Outcome.Invalid)
            {
                Invalid++;
                return true;
            }
            if (outcome == ConntrackProtocols.Outcome.Ok)
            {
                CountPacket(e, found.Direction);
                p.Conntrack = found;
                return true;
            }
            Remove(e); // reopened: a new SYN on a closed connection starts a new one
        }
        if (!ConntrackProtocols.CanCreate(p, l4, tuple.Protocol))
        {
            Invalid++;
            return true;
        }
        if (Count >= Max && !MakeRoom())
        {
            Dropped++;
            reason = DropReason.ConntrackFull;
            return false;
        }
        var entry = new ConntrackEntry(tuple, now);
        ConntrackProtocols.Init(entry, p, l4, now);
        entry.PacketsOriginal = 1;
        Created++;
        p.Conntrack = entry.OriginalRef;
        return true;
    }

    /// <summary>
    /// __nf_conntrack_confirm: inserts the packet's new connection into the table. Returns false when another
    /// packet confirmed a clashing connection first (the packet is dropped, as the kernel does for TCP); an
    /// identical clash (same NAT binding) reuses the existing entry. <paramref name="inserted"/> tells whether
    /// an insert happened (for the cost).
    /// </summary>
    public bool Confirm(Packet p, out bool inserted)
    {
        inserted = false;
        if (p.Conntrack is not ConntrackRef { Entry: { } e, Related: false } r || e.IsConfirmed || r.Direction != ConntrackDirection.Original
            || (e.Status & ConntrackStatus.Dying) != 0)
            return true;
        ConntrackRef? clash = Find(e.Original) ?? Find(e.Reply);
        if (clash is not null)
        {
            if (Clash != ConntrackClash.Drop && clash.Entry!.Original == e.Original && clash.Entry.Reply == e.Reply)
            {
                p.Conntrack = clash;
                return true;
            }
            if (Clash != ConntrackClash.Insert || e.Original.Protocol != Ipv4Header.ProtocolUdp || Find(e.Reply) is not null)
            {
                InsertFailed++;
                return false;
            }
            // The clashing UDP entry goes in by its reply tuple only: replies to this packet find it and are un-NATed.
            inserted = Insert(e, byOriginal: false);
            return true;
        }
        inserted = Insert(e, byOriginal: true);
        return true;
    }

    private bool Insert(ConntrackEntry e, bool byOriginal)
    {
        e.Status |= ConntrackStatus.Confirmed;
        if (byOriginal) _hash[e.Original] = e.OriginalRef;
        _hash[e.Reply] = e.ReplyRef;
        Link(e);
        Count++;
        Inserted++;
        return true;
    }

    /// <summary>Removes every expired entry (the kernel's gc worker).</summary>
    public int Collect()
    {
        long now = _sim.NowPicoseconds;
        int n = 0;
        for (ConntrackEntry? e = _oldest; e is not null;)
        {
            ConntrackEntry? next = e.Newer;
            if (e.ExpiresAt <= now)
            {
                Remove(e);
                Expired++;
                n++;
            }
            e = next;
        }
        return n;
    }

    /// <summary>conntrack -F.</summary>
    public void Flush()
    {
        for (ConntrackEntry? e = _oldest; e is not null; e = e.Newer) e.Status |= ConntrackStatus.Dying;
        _hash.Clear();
        _oldest = _newest = null;
        Count = 0;
    }

    /// <summary>conntrack -D: removes a connection.</summary>
    public void Remove(ConntrackEntry e)
    {
        if (!e.IsConfirmed) return;
        bool original = _hash.TryGetValue(e.Original, out ConntrackRef? r) && r.Entry == e;
        bool reply = _hash.TryGetValue(e.Reply, out ConntrackRef? rr) && rr.Entry == e;
        if (!original && !reply) return;
        if (original) _hash.Remove(e.Original);
        if (reply) _hash.Remove(e.Reply);
        if (e.Older is null) _oldest = e.Newer; else e.Older.Newer = e.Newer;
        if (e.Newer is null) _newest = e.Older; else e.Newer.Older = e.Older;
        e.Older = e.Newer = null;
        e.Status = (e.Status & ~ConntrackStatus.Confirmed) | ConntrackStatus.Dying;
        Count--;
    }

    /// <summary>An ICMP error: attach the connection its embedded header belongs to, as RELATED.</summary>
    private void AttachRelated(Packet p, int ip)
    {
        int icmp = ip - 1;
        int innerIp = icmp - 1;
        if (innerIp < 0 || p.Layer(innerIp).Kind != HeaderKind.Ipv4 || !ConntrackTuple.TryFrom(p, innerIp, out ConntrackTuple embedded))
        {
            Invalid++;
            return;
        }
        // The embedded datagram went the other way: its inverse is a tuple of the connection in this packet's direction.
        ConntrackRef? found = Find(embedded.Invert());
        if (found is null)
        {
            Invalid++;
            return;
        }
        Found++;
        p.Conntrack = found.Entry!.RelatedRef(found.Direction);
    }

    private static void CountPacket(ConntrackEntry e, ConntrackDirection dir)
    {
        if (dir == ConntrackDirection.Original)
        {
            e.PacketsOriginal++;
            return;
        }
        e.PacketsReply++;
        e.Status |= ConntrackStatus.SeenReply; // set after the protocol handler, as nf_conntrack_in does
    }

    /// <summary>early_drop: reap expired entries or evict one non-ASSURED entry among the oldest few.</summary>
    private bool MakeRoom()
    {
        long now = _sim.NowPicoseconds;
        ConntrackEntry? victim = null;
        int seen = 0;
        bool reaped = false;
        for (ConntrackEntry? e = _oldest; e is not null && seen < ConntrackTimeouts.EvictionRange; seen++)
        {
            ConntrackEntry? next = e.Newer;
            if (e.ExpiresAt <= now)
            {
                Remove(e);
                Expired++;
                reaped = true;
            }
            else if (victim is null && !e.IsAssured)
            {
                victim = e;
            }
            e = next;
        }
        if (reaped) return true;
        if (victim is null) return false;
        Remove(victim);
        EarlyDropped++;
        return true;
    }

    private void Link(ConntrackEntry e)
    {
        e.Older = _newest;
        e.Newer = null;
        if (_newest is null) _oldest = e; else _newest.Newer = e;
        _newest = e;
    }
}
