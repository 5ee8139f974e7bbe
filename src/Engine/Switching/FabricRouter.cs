using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Engine.Packets;

namespace NetSim.Engine.Switching;

/// <summary>
/// An L3 fabric switch (a leaf or spine in a routed leaf-spine fabric): longest-prefix match on the outer IPv4
/// destination to a group of equal-cost ports, one chosen per flow by <see cref="EcmpHash"/> over the outer
/// 5-tuple. It rewrites the Ethernet header (the egress port's MAC to the next hop's, <see cref="SwitchPort.PeerMac"/>)
/// and decrements the TTL. No route: dropped as NoRoute; TTL exhausted: TtlExpired (no ICMP is generated).
/// A port that loses carrier leaves every group at once (<see cref="PortDown"/>); a BGP withdrawal takes one port out
/// of one route's group (<see cref="Withdraw"/>); how the other flows fare follows <see cref="SwitchSpec.EcmpHashing"/>.
/// </summary>
public sealed class FabricRouter : FrameSwitch
{
    private const int L3HeaderBytes = EthernetHeader.Size + Ipv4Header.Size;
    private Route[] _routes = [];
    private readonly HashSet<int> _downPorts = new();

    public FabricRouter(Simulator sim, PacketPool pool, string name, SwitchSpec spec, uint ecmpSeed)
        : base(sim, pool, name, spec, L3HeaderBytes)
    {
        EcmpSeed = ecmpSeed;
    }

    public uint EcmpSeed { get; }
    public int RouteCount => _routes.Length;

    /// <summary>Adds a route to <paramref name="prefix"/> through one or more equal-cost ports (replacing one for the same prefix).</summary>
    public void AddRoute(Ipv4Prefix prefix, params SwitchPort[] ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        if (ports.Length == 0) throw new ArgumentException($"route {prefix} needs at least one port", nameof(ports));
        int[] indices = new int[ports.Length];
        for (int i = 0; i < ports.Length; i++)
        {
            if (!ReferenceEquals(ports[i].Owner, this)) throw new ArgumentException($"{ports[i]} is not a port of {Name}", nameof(ports));
            indices[i] = ports[i].Index;
        }
        var group = new EcmpGroup(indices, Spec.EcmpHashing, Spec.EcmpBuckets);
        // A port already without carrier is no next hop of the new route either.
        foreach (int i in indices)
            if (_downPorts.Contains(i)) group.Suspend(i);
        var routes = new List<Route>(_routes);
        routes.RemoveAll(r => r.Prefix == prefix);
        routes.Add(new Route(prefix, group));
        // Longest prefix first, then by address: the first match is the longest, independent of insertion order.
        routes.Sort((a, b) => a.Prefix.Length != b.Prefix.Length ? b.Prefix.Length.CompareTo(a.Prefix.Length) : a.Prefix.CompareTo(b.Prefix));
        _routes = routes.ToArray();
    }

    /// <summary>The port a packet of <paramref name="flow"/> leaves by, or null without a route.</summary>
    /// <remarks>A route none of whose next hops is live is skipped, as if withdrawn: a less specific one may match.</remarks>
    public SwitchPort? Select(in FlowTuple flow)
    {
        Route[] routes = _routes;
        for (int i = 0; i < routes.Length; i++)
        {
            if (!routes[i].Prefix.Contains(flow.Destination)) continue;
            EcmpGroup group = routes[i].Group;
            if (group.IsEmpty) continue;
            int pick = group.IsSingle ? group.Pick(0) : group.Pick(EcmpHash.Compute(flow, EcmpSeed));
            return Ports[pick];
        }
        return null;
    }

    /// <summary>The ECMP group of the route for exactly <paramref name="prefix"/>, or null.</summary>
    public EcmpGroup? GroupOf(Ipv4Prefix prefix)
    {
        foreach (var r in _routes)
            if (r.Prefix == prefix) return r.Group;
        return null;
    }

    /// <summary>The prefixes routed (live or not) through <paramref name="port"/>.</summary>
    public IReadOnlyList<Ipv4Prefix> PrefixesVia(SwitchPort port)
    {
        ArgumentNullException.ThrowIfNull(port);
        return _routes.Where(r => r.Group.Contains(port.Index)).Select(r => r.Prefix).ToList();
    }

    /// <summary>
    /// The port lost carrier and the switch saw it (loss of light): it leaves every ECMP group at once. Returns the
    /// prefixes that no longer have a live next hop (what the switch's BGP withdraws from its other peers).
    /// </summary>
    public IReadOnlyList<Ipv4Prefix> PortDown(SwitchPort port)
    {
        ArgumentNullException.ThrowIfNull(port);
        if (!_downPorts.Add(port.Index)) return [];
        var lost = new List<Ipv4Prefix>();
        foreach (var r in _routes)
            if (r.Group.Suspend(port.Index) && r.Group.IsEmpty) lost.Add(r.Prefix);
        return lost;
    }

    /// <summary>The port has carrier again: it rejoins its groups. Returns the prefixes reachable again through it.</summary>
    public IReadOnlyList<Ipv4Prefix> PortUp(SwitchPort port)
    {
        ArgumentNullException.ThrowIfNull(port);
        if (!_downPorts.Remove(port.Index)) return [];
        var back = new List<Ipv4Prefix>();
        foreach (var r in _routes)
        {
            bool wasEmpty = r.Group.IsEmpty;
            if (r.Group.Resume(port.Index) && wasEmpty) back.Add(r.Prefix);
        }
        return back;
    }

    /// <summary>A BGP peer behind <paramref name="port"/> withdrew <paramref name="prefix"/>: that port leaves the route's group. True if it changed.</summary>
    public bool Withdraw(Ipv4Prefix prefix, SwitchPort port)
    {
        ArgumentNullException.ThrowIfNull(port);
        return GroupOf(prefix)?.Suspend(port.Index) ?? false;
    }

    /// <summary>The peer behind <paramref name="port"/> announces <paramref name="prefix"/> again. True if the port rejoined the route's group.</summary>
    public bool Relearn(Ipv4Prefix prefix, SwitchPort port)
    {
        ArgumentNullException.ThrowIfNull(port);
        return GroupOf(prefix)?.Resume(port.Index) ?? false;
    }

    protected override void Forward(Packet frame, SwitchPort ingress, long completeAtPs)
    {
        if (frame.TopKind != HeaderKind.Ethernet || !frame.Has(HeaderKind.Ipv4))
        {
            DropFrame(frame, DropReason.NoRoute);
            return;
        }
        SwitchPort? egress = Select(FlowTuple.Outer(frame));
        if (egress is null)
        {
            DropFrame(frame, DropReason.NoRoute);
            return;
        }
        ref Ipv4Header ip = ref frame.Ipv4;
        if (ip.Ttl <= 1)
        {
            DropFrame(frame, DropReason.TtlExpired);
            return;
        }
        ip.Ttl--;
        ref EthernetHeader eth = ref frame.Top.Ethernet;
        eth.Source = egress.Mac;
        eth.Destination = egress.PeerMac;
        Emit(frame, ingress, egress, completeAtPs);
    }

    private readonly record struct Route(Ipv4Prefix Prefix, EcmpGroup Group);
}
