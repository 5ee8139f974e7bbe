namespace NetSim.Datapaths.Routing;

/// <summary>Neighbour entry states (NUD_*) that matter here.</summary>
public enum NeighbourState
{
    /// <summary>NUD_REACHABLE: learned by ARP resolution on the link.</summary>
    Reachable,
    /// <summary>NUD_PERMANENT: installed by the control plane (flannel's VTEP gateway entries, static ARP).</summary>
    Permanent,
}
