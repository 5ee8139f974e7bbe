namespace NetSim.Datapaths.Routing;

/// <summary>Route scope (rtm_scope): how far the destination is; link-scope routes are directly connected.</summary>
public enum RouteScope
{
    /// <summary>RT_SCOPE_UNIVERSE: reached via a gateway.</summary>
    Global,
    /// <summary>RT_SCOPE_LINK: on the link of the output device (connected subnets, "dev X scope link").</summary>
    Link,
    /// <summary>RT_SCOPE_HOST: this host's own addresses (local routes).</summary>
    Host,
}
