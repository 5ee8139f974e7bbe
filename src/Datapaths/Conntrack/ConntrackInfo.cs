namespace NetSim.Datapaths.Conntrack;

/// <summary>enum ip_conntrack_info: how a packet relates to its connection.</summary>
public enum ConntrackInfo
{
    /// <summary>IP_CT_NEW: the connection has not seen a reply yet (original direction).</summary>
    New,
    /// <summary>IP_CT_ESTABLISHED: original direction, after a reply was seen.</summary>
    Established,
    /// <summary>IP_CT_ESTABLISHED_REPLY: a packet in the reply direction.</summary>
    EstablishedReply,
    /// <summary>IP_CT_RELATED: an ICMP error about the connection, in its original direction.</summary>
    Related,
    /// <summary>IP_CT_RELATED_REPLY: an ICMP error about the connection, in its reply direction.</summary>
    RelatedReply,
    /// <summary>IP_CT_UNTRACKED: NOTRACK or conntrack off.</summary>
    Untracked,
    /// <summary>No conntrack entry could be attached (the "INVALID" state of the conntrack match).</summary>
    Invalid,
}
