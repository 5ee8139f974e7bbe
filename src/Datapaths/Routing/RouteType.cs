namespace NetSim.Datapaths.Routing;

/// <summary>The route types of the Linux FIB (rtm_type) that the datapath acts on.</summary>
public enum RouteType
{
    /// <summary>RTN_UNICAST: forward out a device, directly or via a gateway.</summary>
    Unicast,
    /// <summary>RTN_LOCAL: an address of this namespace; deliver locally (the local table holds these).</summary>
    Local,
    /// <summary>RTN_BLACKHOLE: discard silently (Calico installs these for its IPAM blocks).</summary>
    Blackhole,
    /// <summary>RTN_UNREACHABLE: discard and answer ICMP host unreachable.</summary>
    Unreachable,
    /// <summary>RTN_PROHIBIT: discard and answer ICMP communication administratively prohibited.</summary>
    Prohibit,
}
