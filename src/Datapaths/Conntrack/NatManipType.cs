namespace NetSim.Datapaths.Conntrack;

/// <summary>enum nf_nat_manip_type: which end of the packet NAT rewrites.</summary>
public enum NatManipType
{
    /// <summary>NF_NAT_MANIP_SRC: SNAT/MASQUERADE, at POSTROUTING and INPUT.</summary>
    Source,
    /// <summary>NF_NAT_MANIP_DST: DNAT, at PREROUTING and OUTPUT.</summary>
    Destination,
}
