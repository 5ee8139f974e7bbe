namespace NetSim.Datapaths.Netfilter;

/// <summary>The REJECT target's --reject-with choices.</summary>
public enum RejectWith
{
    /// <summary>icmp-port-unreachable, the default.</summary>
    IcmpPortUnreachable,
    IcmpNetUnreachable,
    IcmpHostUnreachable,
    IcmpProtocolUnreachable,
    /// <summary>icmp-admin-prohibited.</summary>
    IcmpAdminProhibited,
    /// <summary>tcp-reset: a RST from the original destination (TCP packets only).</summary>
    TcpReset,
}
