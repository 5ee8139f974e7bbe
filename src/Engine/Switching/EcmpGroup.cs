namespace NetSim.Engine.Switching;

/// <summary>
/// How a fabric switch maps a flow's hash onto an ECMP group's next hops, and what a next hop's loss does to the
/// other flows (docs/sources.md, "ECMP hashing and fabric failures").
/// </summary>
public enum EcmpHashing
{
    /// <summary>
    /// The ASIC default (Cumulus Linux: resilient hashing "is not enabled by default"): hash modulo the number of live
    /// next hops. When one leaves, the modulus changes, so flows on surviving next hops move too.
    /// </summary>
    Modulo,

    /// <summary>
    /// Resilient hashing: hash modulo a fixed table of buckets, each holding a next hop (round robin at the start).
    /// A lost next hop's buckets go to the survivors, fewest buckets first; no other bucket changes, so only the
    /// flows that were on it move. When it returns it takes back the buckets it held.
    /// </summary>
    Resilient,
}

/// <summary>
/// The next hops (egress port indices) of one route of a fabric switch, with their liveness. A member is live while
/// nothing suspends it: its port has carrier and no BGP withdrawal took the route away from it. Selection allocates
/// nothing (the hot path); changes (a port down, a withdrawal) are control-plane work.
/// </summary>
public sealed class EcmpGroup
{
    private readonly int[] _members;
    private readonly int[] _suspended;
    private readonly EcmpHashing _hashing;
    // Modulo: the live members in their configured order. Resilient: bucket -> member, and each bucket's first owner.
    private int[] _live;
    private readonly int[] _buckets;
    private readonly int[] _home;

    public EcmpGroup(int[] members, EcmpHashing hashing, int buckets)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (members.Length == 0) throw new ArgumentException("an ECMP group needs at least one next hop", nameof(members));
        _members = (int[])members.Clone();
        _suspended = new int[members.Length];
        _hashing = hashing;
        _live = (int[])members.Clone();
        if (hashing == EcmpHashing.Resilient && members.Length > 1)
        {
            if (buckets < members.Length) throw new ArgumentException($"{buckets} buckets cannot hold {members.Length} next hops", nameof(buckets));
            _buckets = new int[buckets];
            for (int b = 0; b < buckets; b++) _buckets[b] = b % members.Length;
            _home = (int[])_buckets.Clone();
        }
        else
        {
            _buckets = [];
            _home = [];
        }
    }

    /// <summary>The configured next hops (port indices), live or not.</summary>
    public IReadOnlyList<int> Members => _members;

    /// <summary>True while no next hop is live: the route is as good as absent.</summary>
    public bool IsEmpty => _live.Length == 0;

    /// <summary>One next hop configured: no hash is needed to pick it.</summary>
    public bool IsSingle => _members.Length == 1;

    /// <summary>Next hops live now.</summary>
    public int LiveCount => _live.Length;

    public bool Contains(int port) => Array.IndexOf(_members, port) >= 0;

    public bool IsLive(int port)
    {
        int m = Array.IndexOf(_members, port);
        return m >= 0 && _suspended[m] == 0;
    }

    /// <summary>The port a flow of <paramref name="hash"/> leaves by; -1 when none is live.</summary>
    public int Pick(uint hash)
    {
        int[] live = _live;
        if (live.Length == 0) return -1;
        if (live.Length == 1 && _buckets.Length == 0) return live[0];
        if (_buckets.Length == 0) return live[(int)(hash % (uint)live.Length)];
        return _members[_buckets[(int)(hash % (uint)_buckets.Length)]];
    }

    /// <summary>One more reason for <paramref name="port"/> not to be used; true when that made it leave the group.</summary>
    public bool Suspend(int port)
    {
        int m = Array.IndexOf(_members, port);
        if (m < 0 || _suspended[m]++ > 0) return false;
        Rebuild();
        if (_buckets.Length > 0) Reassign(m);
        return true;
    }

    /// <summary>One reason fewer; true when <paramref name="port"/> is live again (a resilient group gives it back its buckets).</summary>
    public bool Resume(int port)
    {
        int m = Array.IndexOf(_members, port);
        if (m < 0 || _suspended[m] == 0 || --_suspended[m] > 0) return false;
        Rebuild();
        for (int b = 0; b < _buckets.Length; b++)
            if (_home[b] == m) _buckets[b] = m;
        // Buckets whose own member is still out may have gone to no one (every member was out): give them to a live one.
        if (_buckets.Length > 0)
            for (int x = 0; x < _members.Length; x++)
                if (_suspended[x] > 0) Reassign(x);
        return true;
    }

    private void Rebuild()
    {
        var live = new List<int>(_members.Length);
        for (int i = 0; i < _members.Length; i++)
            if (_suspended[i] == 0) live.Add(_members[i]);
        _live = live.ToArray();
    }

    /// <summary>Every bucket of member <paramref name="m"/> goes to the live member holding the fewest (the first of equals).</summary>
    private void Reassign(int m)
    {
        if (_live.Length == 0) return;
        int[] held = new int[_members.Length];
        foreach (int owner in _buckets) held[owner]++;
        for (int b = 0; b < _buckets.Length; b++)
        {
            if (_buckets[b] != m) continue;
            int best = -1;
            for (int x = 0; x < _members.Length; x++)
                if (_suspended[x] == 0 && (best < 0 || held[x] < held[best])) best = x;
            held[m]--;
            held[best]++;
            _buckets[b] = best;
        }
    }
}
