using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Engine.Links;
using NetSim.Engine.Packets;
using NetSim.Engine.Switching;
using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Dynamics;

/// <summary>
/// The fabric's failures: a switch port shut, a leaf-spine uplink cut, a switch powered off, and back. A cable is dark
/// while anything cuts it (its port on either end, the uplink itself, either switch); its frames queued or on the wire
/// are lost (LinkDown; SwitchDown when a switch died). What follows is the routed fabric's eBGP (RFC 7938):
/// <list type="bullet">
/// <item>Both ends see loss of light (after the fabric's link debounce, 0 by default) and take the port out of every
/// ECMP group (BGP's fast external fallover: a directly connected session drops with its interface, no hold timer); the
/// flows hashed to it move to the other next hops, and with modulo hashing others move too (<see cref="EcmpHashing"/>).
/// Light back within the debounce changes no route.</item>
/// <item>A spine that hangs keeps its ports lit and forwards nothing (SwitchHung): its peers find it only when BFD
/// (if configured) or the BGP hold timer expires, and then act as on loss of light. When it resumes, its sessions are
/// established again and its routes exchanged one UPDATE later.</item>
/// <item>A switch left without any next hop for a prefix withdraws it from its other peers, who stop sending it there
/// one BGP UPDATE later (control_plane.bgp_update_delay); until then what they send it is dropped there (NoRoute).</item>
/// <item>When the cable has light again the session comes back and its routes are exchanged one UPDATE later; peers
/// that had a withdrawal hear the route again one more UPDATE later.</item>
/// </list>
/// A node's own cable (its leaf's port, or its leaf or single switch powered off) cuts the node off: the node failure
/// path of <see cref="ClusterDynamics"/> (node lifecycle controller, Calico's BGP hold timer or BFD) takes it from there.
/// </summary>
internal sealed class FabricDynamics
{
    private readonly ClusterDynamics _dynamics;
    private readonly BuiltCluster _cluster;
    private readonly Fabric _fabric;
    private readonly SimTime _updateDelay;
    private readonly SimTime _debounce;
    private readonly SimTime _silentPeerDetection;
    private readonly string _detector;
    // Cables whose switch ends acted on the loss of light (after the debounce): only these regain it.
    private readonly HashSet<Link> _lightLost = new();
    // Hung switches with the number of their current hang (never reused: a pending detection of an earlier hang finds
    // a newer number and does nothing), and those whose peers have found them hung.
    private readonly Dictionary<FrameSwitch, int> _hangs = new();
    private readonly Dictionary<FrameSwitch, int> _hangCount = new();
    private readonly HashSet<FrameSwitch> _hungDetected = new();
    // Router ports out of their ECMP groups (dark, or toward a peer found silent): each is taken out and put back once.
    private readonly HashSet<SwitchPort> _portsOut = new();
    private readonly Dictionary<Link, HashSet<string>> _cuts = new();
    private readonly Dictionary<Link, int> _generation = new();
    private readonly HashSet<FrameSwitch> _off = new();
    // Withdrawals a switch holds, by the port the withdrawing peer sits behind: each is undone once, by a relearn.
    private readonly HashSet<(FabricRouter At, SwitchPort Port, Ipv4Prefix Prefix)> _withdrawn = new();

    public FabricDynamics(ClusterDynamics dynamics, BuiltCluster cluster, ControlPlaneTimers timers)
    {
        _dynamics = dynamics;
        _cluster = cluster;
        _fabric = cluster.Context.Fabric;
        _updateDelay = timers.BgpUpdateDelay;
        var spec = cluster.Context.Scenario.Cluster.Fabric;
        _debounce = spec.LinkDebounce;
        _silentPeerDetection = spec.SilentPeerDetection;
        _detector = spec.Bfd ? $"BFD ({spec.BfdMultiplier} x {spec.BfdInterval} without a control packet)" : $"the BGP hold timer ({spec.BgpHoldTime})";
    }

    public void Apply(ClusterEvent e)
    {
        var sw = _fabric.SwitchNamed(e.Target) ?? throw new InvalidOperationException($"no switch {e.Target} in the fabric");
        bool down = e.Kind.EndsWith("_down", StringComparison.Ordinal);
        switch (e.Kind)
        {
            case ClusterEvent.SwitchPortDown or ClusterEvent.SwitchPortUp:
            {
                var port = _fabric.PortToward(sw, e.Peer) ?? throw new InvalidOperationException($"{sw.Name} has no port to {e.Peer}");
                _dynamics.Record(e.Kind, sw.Name, $"{port} (to {e.Peer}) {(down ? "shut: the cable is dark at both ends" : "no shut")}");
                Change(port.End.Link, $"port {port}", down, DropReason.LinkDown);
                break;
            }
            case ClusterEvent.UplinkDown or ClusterEvent.UplinkUp:
            {
                var port = _fabric.PortToward(sw, e.Peer) ?? throw new InvalidOperationException($"{sw.Name} has no uplink to {e.Peer}");
                _dynamics.Record(e.Kind, $"{sw.Name}-{e.Peer}", down ? "uplink cut: loss of light at both ends" : "uplink has light again");
                Change(port.End.Link, $"uplink {sw.Name}-{e.Peer}", down, DropReason.LinkDown);
                break;
            }
            case ClusterEvent.SwitchHang or ClusterEvent.SwitchResume:
                Hang(sw, e.Kind == ClusterEvent.SwitchHang);
                break;
            default:
                if (down && _hangs.ContainsKey(sw)) Hang(sw, false, powerCycle: true);
                _dynamics.Record(e.Kind, sw.Name, down
                    ? $"powered off: its {sw.Ports.Count} ports go dark, frames in its buffers are lost"
                    : "powered on: its ports have light again");
                if (down) _off.Add(sw);
                // Power returns before the cables do, so the switch is alive when its sessions come back.
                else _off.Remove(sw);
                foreach (var port in sw.Ports) Change(port.End.Link, $"switch {sw.Name}", down, DropReason.SwitchDown);
                break;
        }
    }

    /// <summary>Adds or removes one cause of a cable being dark, acting on the transitions.</summary>
    private void Change(Link link, string cause, bool cut, DropReason reason)
    {
        if (!_cuts.TryGetValue(link, out var causes)) _cuts[link] = causes = new HashSet<string>(StringComparer.Ordinal);
        bool wasDark = causes.Count > 0;
        if (cut) causes.Add(cause);
        else causes.Remove(cause);
        bool dark = causes.Count > 0;
        if (dark == wasDark) return;
        int generation = _generation[link] = _generation.GetValueOrDefault(link) + 1;
        var node = NodeOn(link);
        if (node is not null && _cluster.Nodes.Contains(node))
        {
            _dynamics.SetFabricCut(node, dark, reason);
            return;
        }
        if (dark)
        {
            link.LoseCarrier(reason);
            if (_debounce == SimTime.Zero) LoseLight(link, "loss of light");
            else
                _dynamics.After(_debounce, () =>
                {
                    if (_generation[link] == generation) LoseLight(link, $"loss of light for the link debounce ({_debounce})");
                });
            return;
        }
        link.RestoreCarrier();
        if (!_lightLost.Remove(link)) return;
        // The BGP session over the cable is up again and has exchanged its routes one UPDATE later.
        _dynamics.After(_updateDelay, () =>
        {
            if (_generation[link] != generation) return;
            foreach (var port in Ends(link)) RegainLight(port);
        });
    }

    private void LoseLight(Link link, string cause)
    {
        _lightLost.Add(link);
        foreach (var port in Ends(link)) LoseLight(port, cause);
    }

    /// <summary>
    /// switch_hang / switch_resume: the switch drops every frame with its ports lit. Its peers see nothing until BFD or
    /// their hold timers expire, then take their ports toward it out of their ECMP groups and withdraw what they can no
    /// longer reach; when it resumes (or is power-cycled), those sessions come back one UPDATE later.
    /// </summary>
    private void Hang(FrameSwitch sw, bool hang, bool powerCycle = false)
    {
        sw.Hung = hang;
        if (hang)
        {
            int generation = _hangs[sw] = _hangCount[sw] = _hangCount.GetValueOrDefault(sw) + 1;
            _dynamics.Record(ClusterEvent.SwitchHang, sw.Name, $"hung: its ports stay lit but it forwards nothing (SwitchHung); its peers wait for {_detector}");
            _dynamics.After(_silentPeerDetection, () =>
            {
                if (_hangs.GetValueOrDefault(sw) != generation) return;
                _hungDetected.Add(sw);
                foreach (var far in PeerPorts(sw)) LoseLight(far, $"{_detector} expired on the session to {sw.Name}");
            });
            return;
        }
        _hangs.Remove(sw);
        bool detected = _hungDetected.Remove(sw);
        if (!powerCycle) _dynamics.Record(ClusterEvent.SwitchResume, sw.Name, detected
            ? "forwards again: its BGP sessions are established again and its routes exchanged one UPDATE later"
            : "forwards again before its peers found it hung: no route had changed");
        if (!detected) return;
        var peers = PeerPorts(sw).ToList();
        // A power cycle darkens the cables, which brings the sessions back with the light; a resume brings them back now.
        if (powerCycle) return;
        _dynamics.After(_updateDelay, () =>
        {
            if (_hangs.ContainsKey(sw)) return;
            foreach (var far in peers) RegainLight(far);
        });
    }

    /// <summary>The ports of the fabric routers cabled to <paramref name="sw"/>, on their side.</summary>
    private static IEnumerable<SwitchPort> PeerPorts(FrameSwitch sw) =>
        sw.Ports.Select(Fabric.FarPort).OfType<SwitchPort>().Where(p => p.Owner is FabricRouter);

    private BuiltNode? NodeOn(Link link)
    {
        foreach (var port in Ends(link))
            if (_fabric.NodeBehind(port) is { } node) return node;
        return null;
    }

    /// <summary>The switch ports on the two ends of a cable (a node's NIC on one end is not one).</summary>
    private static IEnumerable<SwitchPort> Ends(Link link)
    {
        if (link.A.Endpoint is SwitchPort a) yield return a;
        if (link.B.Endpoint is SwitchPort b) yield return b;
    }

    /// <summary>The switch at <paramref name="port"/> sees the port go dark (or its peer silent): the port leaves its ECMP groups.</summary>
    private void LoseLight(SwitchPort port, string cause)
    {
        if (port.Owner is not FabricRouter router || _fabric.NodeBehind(port) is not null || !_portsOut.Add(port)) return;
        int groups = router.PrefixesVia(port).Count;
        var lost = router.PortDown(port);
        if (groups == 0 || _off.Contains(router)) return;
        _dynamics.Record("ecmp_rehash", router.Name, $"{cause} on {port} (to {Peer(port)}): out of {groups} ECMP groups at once; " + Hashing(router)
            + (lost.Count > 0 ? $"; no next hop left for {Describe(lost)}: withdrawn from its other BGP peers" : ""));
        if (lost.Count > 0) Announce(router, port, lost, withdraw: true);
    }

    /// <summary>The session on <paramref name="port"/> is established again: the port rejoins its groups, and lost prefixes are announced again.</summary>
    private void RegainLight(SwitchPort port)
    {
        if (port.Owner is not FabricRouter router || _fabric.NodeBehind(port) is not null || !_portsOut.Remove(port)) return;
        int groups = router.PrefixesVia(port).Count;
        var back = router.PortUp(port);
        if (groups == 0) return;
        _dynamics.Record("ecmp_restore", router.Name, $"BGP session on {port} (to {Peer(port)}) established: back in {groups} ECMP groups"
            + (back.Count > 0 ? $"; {Describe(back)} reachable again: announced to its other BGP peers" : ""));
        if (back.Count > 0) Announce(router, port, back, withdraw: false);
    }

    /// <summary>One UPDATE later, every other fabric switch cabled to <paramref name="router"/> takes it out of (or back into) those routes.</summary>
    private void Announce(FabricRouter router, SwitchPort except, IReadOnlyList<Ipv4Prefix> prefixes, bool withdraw)
    {
        var peers = router.Ports.Where(p => !ReferenceEquals(p, except)).Select(Fabric.FarPort)
            .OfType<SwitchPort>().Where(p => p.Owner is FabricRouter).ToList();
        _dynamics.After(_updateDelay, () =>
        {
            var changed = new List<string>();
            foreach (var at in peers)
            {
                var peer = (FabricRouter)at.Owner;
                int n = 0;
                foreach (var prefix in prefixes)
                {
                    var key = (peer, at, prefix);
                    if (withdraw ? _withdrawn.Add(key) && peer.Withdraw(prefix, at) : _withdrawn.Remove(key) && peer.Relearn(prefix, at)) n++;
                }
                if (n > 0) changed.Add($"{peer.Name} ({n})");
            }
            if (changed.Count == 0) return;
            _dynamics.Record(withdraw ? "fabric_withdraw" : "fabric_relearn", router.Name, withdraw
                ? $"BGP withdrawal of {Describe(prefixes)} from {router.Name} received: {router.Name} leaves those routes' ECMP groups on {string.Join(", ", changed)}"
                : $"BGP update from {router.Name} received: {router.Name} back in the ECMP groups of {Describe(prefixes)} on {string.Join(", ", changed)}");
        });
    }

    private static string Hashing(FabricRouter router) => router.Spec.EcmpHashing == EcmpHashing.Resilient
        ? "resilient hashing: only the flows hashed to it move"
        : "modulo hashing: the flows of every group it was in are hashed again over the ports left";

    private string Peer(SwitchPort port) => Fabric.FarPort(port)?.Owner.Name ?? _fabric.NodeBehind(port)?.Name ?? "?";

    private static string Describe(IReadOnlyList<Ipv4Prefix> prefixes) =>
        prefixes.Count <= 3 ? string.Join(", ", prefixes) : $"{string.Join(", ", prefixes.Take(3))} and {prefixes.Count - 3} more";
}
