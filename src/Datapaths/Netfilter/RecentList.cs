using NetSim.Engine.Addressing;

namespace NetSim.Datapaths.Netfilter;

/// <summary>
/// One xt_recent list (/proc/net/xt_recent/NAME) of a namespace: addresses with the times they were last seen.
/// At most <see cref="Capacity"/> addresses (module parameter ip_list_tot, default 100; the least recently
/// updated is evicted) and <see cref="StampsPerEntry"/> timestamps each (ip_pkt_list_tot, default 20).
/// </summary>
public sealed class RecentList
{
    public const int DefaultCapacity = 100;
    public const int DefaultStampsPerEntry = 20;

    private readonly Dictionary<uint, Entry> _entries = new();
    private Entry? _lruOldest;
    private Entry? _lruNewest;

    public RecentList(string name, int capacity = DefaultCapacity, int stampsPerEntry = DefaultStampsPerEntry)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stampsPerEntry, 1);
        Name = name;
        Capacity = capacity;
        StampsPerEntry = stampsPerEntry;
    }

    public string Name { get; }
    public int Capacity { get; }
    public int StampsPerEntry { get; }
    public int Count => _entries.Count;

    public bool Contains(Ipv4Address address) => _entries.ContainsKey(address.Value);

    /// <summary>When <paramref name="address"/> was last seen (ps), or null.</summary>
    public long? LastSeen(Ipv4Address address) => _entries.TryGetValue(address.Value, out Entry? e) ? e.Stamps[e.Last] : null;

    /// <summary>--set: records <paramref name="address"/> at <paramref name="now"/>.</summary>
    public void Set(Ipv4Address address, long now)
    {
        if (_entries.TryGetValue(address.Value, out Entry? e))
        {
            Stamp(e, now);
            return;
        }
        if (_entries.Count >= Capacity) Remove(_lruOldest!);
        e = new Entry(address.Value, StampsPerEntry);
        _entries[address.Value] = e;
        Append(e);
        Stamp(e, now);
    }

    /// <summary>
    /// --rcheck/--update: true when <paramref name="address"/> is listed with at least <paramref name="hitCount"/>
    /// (at least one if 0) timestamps no older than <paramref name="windowPs"/> (any age if 0); --update stamps it
    /// again when it matched. --reap (recent_entry_reap) forgets the least recently updated address of the list
    /// when all its timestamps are older than the window.
    /// </summary>
    public bool Check(Ipv4Address address, long now, long windowPs, int hitCount, bool update, bool reap)
    {
        if (!_entries.TryGetValue(address.Value, out Entry? e)) return false;
        bool match = windowPs == 0 && hitCount == 0;
        if (!match)
        {
            long oldest = now - windowPs;
            int hits = 0;
            for (int i = 0; i < e.Count; i++)
            {
                if (windowPs != 0 && e.Stamps[i] < oldest) continue;
                if (hitCount == 0 || ++hits >= hitCount)
                {
                    match = true;
                    break;
                }
            }
            if (reap && windowPs != 0 && _lruOldest is { } lru && !(lru == e && update && match) && lru.Stamps[lru.Last] < oldest)
                Remove(lru);
        }
        if (update && match) Stamp(e, now);
        return match;
    }

    /// <summary>--remove.</summary>
    public bool Remove(Ipv4Address address)
    {
        if (!_entries.TryGetValue(address.Value, out Entry? e)) return false;
        Remove(e);
        return true;
    }

    private void Stamp(Entry e, long now)
    {
        e.Last = e.Count < e.Stamps.Length ? e.Count++ : (e.Last + 1) % e.Stamps.Length;
        e.Stamps[e.Last] = now;
        Unlink(e);
        Append(e);
    }

    private void Remove(Entry e)
    {
        _entries.Remove(e.Address);
        Unlink(e);
    }

    private void Append(Entry e)
    {
        e.Older = _lruNewest;
        e.Newer = null;
        if (_lruNewest is null) _lruOldest = e; else _lruNewest.Newer = e;
        _lruNewest = e;
    }

    private void Unlink(Entry e)
    {
        if (e.Older is null) { if (_lruOldest == e) _lruOldest = e.Newer; }
        else e.Older.Newer = e.Newer;
        if (e.Newer is null) { if (_lruNewest == e) _lruNewest = e.Older; }
        else e.Newer.Older = e.Older;
        e.Older = e.Newer = null;
    }

    private sealed class Entry(uint address, int stamps)
    {
        public uint Address { get; } = address;
        public long[] Stamps { get; } = new long[stamps];
        public int Count { get; set; }
        public int Last { get; set; }
        public Entry? Older { get; set; }
        public Entry? Newer { get; set; }
    }
}
