using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Engine.Packets;

namespace NetSim.Engine.Switching;

/// <summary>
/// An L3 fabric switch (a leaf or spine in a routed leaf-spine fabric): longest-prefix match on the outer IPv4
/// destination to a group of equal-cost ports, one chosen per flow by <see cref="EcmpHash"/> over the outer
/// 5-tuple. It rewrites the Ethernet header (the egress port's MAC to the next hop's, <see cref="SwitchPort.PeerMac"/>)
/// and decrements the TTL. No route: dropped as NoRoute; TTL exhausted: TtlExpired (no ICMP is generated).
/// </summary>
public sealed class FabricRouter : FrameSwitch
{
    private const int L3HeaderBytes = EthernetHeader.Size + Ipv4Header.Size;
    private Route[] _routes = [];

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
        var routes = new List<Route>(_routes);
        routes.RemoveAll(r => r.Prefix == prefix);
        routes.Add(new Route(prefix, indices));
        // Longest prefix first, then by address: the first match is the longest, independent of insertion order.
        routes.Sort((a, b) => a.Prefix.Length != b.Prefix.Length ? b.Prefix.Length.CompareTo(a.Prefix.Length) : a.Prefix.CompareTo(b.Prefix));
        _routes = routes.ToArray();
    }

    /// <summary>The port a packet of <paramref name="flow"/> leaves by, or null without a route.</summary>
    public SwitchPort? Select(in FlowTuple flow)
    {
        Route[] routes = _routes;
        for (int i = 0; i < routes.Length; i++)
        {
            if (!routes[i].Prefix.Contains(flow.Destination)) continue;
            int[] group = routes[i].Ports;
            int pick = group.Length == 1 ? 0 : (int)(EcmpHash.Compute(flow, EcmpSeed) % (uint)group.Length);
            return Ports[group[pick]];
        }
        return null;
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

    private readonly record struct Route(Ipv4Prefix Prefix, int[] Ports);
}
