using NetSim.Datapaths.Devices;
using NetSim.Engine.Addressing;

namespace NetSim.Datapaths.Routing;

/// <summary>
/// One FIB entry, as <c>ip route</c> shows it: <c>10.244.2.0/24 via 192.168.0.2 dev eth0 src 192.168.0.1 metric 100</c>.
/// A route without a gateway is on-link (the destination itself is the next hop).
/// </summary>
public sealed class Route
{
    public required Ipv4Prefix Prefix { get; init; }
    public RouteType Type { get; init; } = RouteType.Unicast;
    /// <summary>The output device ("dev"); null only for blackhole/unreachable/prohibit routes.</summary>
    public NetDevice? Device { get; init; }
    /// <summary>The next-hop gateway ("via"); <see cref="Ipv4Address.Any"/> when the destination is on-link.</summary>
    public Ipv4Address Gateway { get; init; } = Ipv4Address.Any;
    /// <summary>The preferred source address ("src"); Any lets the kernel pick one from the device.</summary>
    public Ipv4Address PreferredSource { get; init; } = Ipv4Address.Any;
    /// <summary>Lower wins among routes to the same prefix.</summary>
    public int Metric { get; init; }
    public RouteScope Scope { get; init; } = RouteScope.Global;
    /// <summary>"onlink": the gateway is on the device's link even though no connected subnet covers it (Calico's 169.254.1.1).</summary>
    public bool OnLink { get; init; }
    /// <summary>Route MTU ("mtu lock N"); 0 uses the device MTU.</summary>
    public int Mtu { get; init; }

    /// <summary>The address whose link-layer address the packet is sent to: the gateway, else the destination itself.</summary>
    public Ipv4Address NextHop(Ipv4Address destination) => Gateway == Ipv4Address.Any ? destination : Gateway;

    /// <summary>True when the route can be used now (its device, if any, is up).</summary>
    public bool IsUsable => Device is null || Device.IsUp;

    public override string ToString()
    {
        string type = Type == RouteType.Unicast ? "" : Type.ToString().ToLowerInvariant() + " ";
        string via = Gateway == Ipv4Address.Any ? "" : $" via {Gateway}";
        string dev = Device is null ? "" : $" dev {Device.Name}";
        string src = PreferredSource == Ipv4Address.Any ? "" : $" src {PreferredSource}";
        string metric = Metric == 0 ? "" : $" metric {Metric}";
        return $"{type}{Prefix}{via}{dev}{src}{metric}";
    }
}
