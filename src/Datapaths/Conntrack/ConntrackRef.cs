namespace NetSim.Datapaths.Conntrack;

/// <summary>
/// What a packet carries in <see cref="NetSim.Engine.Packets.Packet.Conntrack"/> (skb->_nfct): its connection and
/// how it relates to it (the kernel packs the ctinfo into the pointer's low bits; here each entry has one small
/// handle per direction, and per direction for RELATED ICMP errors).
/// </summary>
public sealed class ConntrackRef
{
    /// <summary>The handle of untracked packets (NOTRACK, conntrack off).</summary>
    public static readonly ConntrackRef Untracked = new(null, ConntrackDirection.Original, related: false);

    internal ConntrackRef(ConntrackEntry? entry, ConntrackDirection direction, bool related)
    {
        Entry = entry;
        Direction = direction;
        Related = related;
    }

    /// <summary>The connection; null for <see cref="Untracked"/>.</summary>
    public ConntrackEntry? Entry { get; }
    public ConntrackDirection Direction { get; }
    /// <summary>True for an ICMP error about the connection (IP_CT_RELATED).</summary>
    public bool Related { get; }

    /// <summary>The packet's ctinfo.</summary>
    public ConntrackInfo Info
    {
        get
        {
            if (Entry is null) return ConntrackInfo.Untracked;
            if (Related) return Direction == ConntrackDirection.Reply ? ConntrackInfo.RelatedReply : ConntrackInfo.Related;
            if (Direction == ConntrackDirection.Reply) return ConntrackInfo.EstablishedReply;
            return (Entry.Status & ConntrackStatus.SeenReply) != 0 ? ConntrackInfo.Established : ConntrackInfo.New;
        }
    }

    /// <summary>The ctinfo of a packet: INVALID when conntrack attached nothing to it.</summary>
    public static ConntrackInfo InfoOf(object? packetConntrack) =>
        packetConntrack is ConntrackRef r ? r.Info : ConntrackInfo.Invalid;
}
