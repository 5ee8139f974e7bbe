using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Engine.Elements;

namespace NetSim.Topologies.Bgp;

/// <summary>
/// A node's BGP daemon (BIRD in Calico) in one AS (iBGP, AS 64512 by default). It originates its pod blocks,
/// learns peers' routes, and installs the best route per prefix into the node's kernel table through
/// <see cref="RouteInstalled"/>/<see cref="RouteWithdrawn"/>. iBGP split horizon: a route learned from an iBGP peer
/// is not passed to another, unless this speaker is a route reflector (RFC 4456): then client routes go to every
/// peer and non-client routes to clients, with ORIGINATOR_ID and CLUSTER_LIST preventing loops.
/// </summary>
public sealed class BgpSpeaker : IEventTarget
{
    private readonly Simulator _sim;
    private readonly List<(BgpSpeaker Peer, SimTime Delay, bool PeerIsClient)> _sessions = new();
    private readonly SortedDictionary<Ipv4Prefix, BgpRoute> _originated = new();
    // Adj-RIB-In per peer, and the selected best route per prefix (Loc-RIB).
    private readonly Dictionary<BgpSpeaker, SortedDictionary<Ipv4Prefix, BgpRoute>> _ribIn = new();
    private readonly SortedDictionary<Ipv4Prefix, (BgpRoute Route, BgpSpeaker? From)> _locRib = new();
    // Sessions reset and not yet re-established: nothing is sent or accepted on them.
    private readonly HashSet<BgpSpeaker> _reset = new();

    public BgpSpeaker(Simulator sim, string name, Ipv4Address routerId, int nodeId, bool isRouteReflector = false)
    {
        _sim = sim;
        Name = name;
        RouterId = routerId;
        NodeId = nodeId;
        IsRouteReflector = isRouteReflector;
    }

    public string Name { get; }
    public Ipv4Address RouterId { get; }
    public int NodeId { get; }
    public bool IsRouteReflector { get; }
    public bool IsUp { get; private set; } = true;
    /// <summary>When this speaker last changed its table (to measure convergence).</summary>
    public SimTime LastChange { get; private set; }
    public long UpdatesReceived { get; private set; }
    public int SessionCount => _sessions.Count;

    /// <summary>Called when a learned best route is installed (prefix, next hop).</summary>
    public event Action<Ipv4Prefix, Ipv4Address>? RouteInstalled;
    /// <summary>Called when a learned route is withdrawn from the kernel.</summary>
    public event Action<Ipv4Prefix>? RouteWithdrawn;

    /// <summary>The learned routes now selected, prefix → next hop.</summary>
    public IReadOnlyDictionary<Ipv4Prefix, Ipv4Address> LearnedRoutes =>
        _locRib.Where(kv => kv.Value.From is not null).ToDictionary(kv => kv.Key, kv => kv.Value.Route.NextHop);

    /// <summary>Opens a session to <paramref name="peer"/> with one-way message delay <paramref name="delay"/>.</summary>
    public void AddSession(BgpSpeaker peer, SimTime delay, bool peerIsClient)
    {
        _sessions.Add((peer, delay, peerIsClient));
        _ribIn[peer] = new SortedDictionary<Ipv4Prefix, BgpRoute>();
    }

    /// <summary>Originates a prefix (a Calico block) with this node as next hop, and tells every peer.</summary>
    public void Originate(Ipv4Prefix prefix)
    {
        var route = new BgpRoute(prefix, RouterId, RouterId, Array.Empty<Ipv4Address>());
        _originated[prefix] = route;
        Select(prefix);
    }

    /// <summary>The node goes away: its sessions drop, and each peer withdraws what it learned from it after the
    /// detection delay (hold-timer expiry, or BFD when configured).</summary>
    public void Shutdown(SimTime detectionDelay)
    {
        IsUp = false;
        foreach (var (peer, _, _) in _sessions)
            _sim.Schedule(detectionDelay, peer, EventKinds.ControlPlane, 0, new BgpSessionDown(this));
    }

    /// <summary>The session to <paramref name="peer"/> is reset (NOTIFICATION Cease): what it told us is forgotten at once.</summary>
    public void ResetSession(BgpSpeaker peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        _reset.Add(peer);
        PeerDown(peer);
    }

    /// <summary>The session to <paramref name="peer"/> is established again: our table goes to it as after any OPEN.</summary>
    public void ReestablishSession(BgpSpeaker peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (!_reset.Remove(peer)) return;
        var (_, delay, peerIsClient) = _sessions.First(s => s.Peer == peer);
        foreach (var (prefix, best) in _locRib)
        {
            if (!ShouldAdvertise(best.From, peer, peerIsClient)) continue;
            var route = best.From is not null && IsRouteReflector ? best.Route with { ClusterList = [.. best.Route.ClusterList, RouterId] } : best.Route;
            _sim.Schedule(delay, peer, EventKinds.ControlPlane, 0, new BgpUpdate(this, route, false), peer.NodeId);
        }
    }

    void IEventTarget.OnEvent(in SimEvent ev)
    {
        if (!IsUp) return;
        switch (ev.Payload)
        {
            case BgpUpdate u: Receive(u); break;
            case BgpSessionDown d: PeerDown(d.Peer); break;
        }
    }

    private void Receive(BgpUpdate u)
    {
        if (_reset.Contains(u.From)) return;
        UpdatesReceived++;
        var rib = _ribIn[u.From];
        if (u.Withdraw) rib.Remove(u.Route.Prefix);
        else if (u.Route.OriginatorId == RouterId || (IsRouteReflector && u.Route.ClusterList.Contains(RouterId))) return; // RFC 4456 loop checks
        else rib[u.Route.Prefix] = u.Route;
        Select(u.Route.Prefix);
    }

    private void PeerDown(BgpSpeaker peer)
    {
        if (!_ribIn.TryGetValue(peer, out var rib)) return;
        var lost = rib.Keys.ToList();
        rib.Clear();
        foreach (var p in lost) Select(p);
    }

    /// <summary>Best-path selection: own routes first, then shortest cluster list, then lowest originator id.</summary>
    private void Select(Ipv4Prefix prefix)
    {
        (BgpRoute Route, BgpSpeaker? From)? best = _originated.TryGetValue(prefix, out var own) ? (own, null) : null;
        if (best is null)
            foreach (var (peer, _, _) in _sessions)
                if (_ribIn[peer].TryGetValue(prefix, out var r) && (best is null || Better(r, best.Value.Route)))
                    best = (r, peer);
        _locRib.TryGetValue(prefix, out var old);
        bool had = _locRib.ContainsKey(prefix);
        if (best is null)
        {
            if (!had) return;
            _locRib.Remove(prefix);
            Changed(prefix, null, old.From);
            return;
        }
        if (had && old.Route == best.Value.Route) return;
        _locRib[prefix] = best.Value;
        Changed(prefix, best.Value, old.From);
    }

    private static bool Better(BgpRoute a, BgpRoute b) =>
        a.ClusterList.Count != b.ClusterList.Count ? a.ClusterList.Count < b.ClusterList.Count : a.OriginatorId < b.OriginatorId;

    private void Changed(Ipv4Prefix prefix, (BgpRoute Route, BgpSpeaker? From)? now, BgpSpeaker? previousFrom)
    {
        LastChange = _sim.Now;
        if (now is { From: not null } learned) RouteInstalled?.Invoke(prefix, learned.Route.NextHop);
        else if (now is null && previousFrom is not null) RouteWithdrawn?.Invoke(prefix);
        foreach (var (peer, delay, peerIsClient) in _sessions)
        {
            if (_reset.Contains(peer)) continue;
            if (now is { } n && !ShouldAdvertise(n.From, peer, peerIsClient)) continue;
            if (now is null && previousFrom == peer) continue;
            var route = now?.Route ?? new BgpRoute(prefix, RouterId, RouterId, Array.Empty<Ipv4Address>());
            if (now is { From: not null } && IsRouteReflector) route = route with { ClusterList = [.. route.ClusterList, RouterId] };
            _sim.Schedule(delay, peer, EventKinds.ControlPlane, 0, new BgpUpdate(this, route, now is null), peer.NodeId);
        }
    }

    /// <summary>iBGP advertisement rules, with route reflection (RFC 4456 §6).</summary>
    private bool ShouldAdvertise(BgpSpeaker? learnedFrom, BgpSpeaker to, bool toIsClient)
    {
        if (learnedFrom is null) return true;            // our own routes go to every peer
        if (learnedFrom == to) return false;             // never back to where it came from
        if (!IsRouteReflector) return false;             // iBGP split horizon
        bool fromClient = _sessions.First(s => s.Peer == learnedFrom).PeerIsClient;
        return fromClient || toIsClient;                 // client routes to all; non-client routes to clients only
    }
}
