namespace NetSim.Datapaths.Conntrack;

/// <summary>enum ip_conntrack_status bits that the model uses.</summary>
[Flags]
public enum ConntrackStatus
{
    None = 0,
    /// <summary>IPS_SEEN_REPLY.</summary>
    SeenReply = 1 << 1,
    /// <summary>IPS_ASSURED: never early-dropped when the table is full.</summary>
    Assured = 1 << 2,
    /// <summary>IPS_CONFIRMED: in the hash table (the first packet passed POSTROUTING/INPUT).</summary>
    Confirmed = 1 << 3,
    /// <summary>IPS_SRC_NAT.</summary>
    SourceNat = 1 << 4,
    /// <summary>IPS_DST_NAT.</summary>
    DestinationNat = 1 << 5,
    /// <summary>IPS_SRC_NAT_DONE: the source-NAT decision was made (possibly a null binding).</summary>
    SourceNatDone = 1 << 7,
    /// <summary>IPS_DST_NAT_DONE.</summary>
    DestinationNatDone = 1 << 8,
    /// <summary>IPS_DYING: removed from the table (expired, early-dropped, flushed); packets still holding it cannot re-insert it.</summary>
    Dying = 1 << 9,
}
