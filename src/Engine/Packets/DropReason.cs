namespace NetSim.Engine.Packets;

/// <summary>Why a packet was dropped; every drop names one, so "dropped" is always explained.</summary>
public enum DropReason
{
    /// <summary>A transmit queue, a switch port buffer or a software queue (WireGuard's crypt and peer queues) was full (drop-tail).</summary>
    QueueFull,
    /// <summary>A core's backlog (netdev_max_backlog) was full.</summary>
    BacklogFull,
    /// <summary>No route matched the destination.</summary>
    NoRoute,
    /// <summary>No neighbour (ARP) entry and resolution failed.</summary>
    NoNeighbour,
    /// <summary>TTL reached zero while forwarding.</summary>
    TtlExpired,
    /// <summary>Larger than the egress MTU with DF set.</summary>
    MtuExceeded,
    /// <summary>A netfilter rule with target DROP.</summary>
    NetfilterDrop,
    /// <summary>A netfilter rule with target REJECT (an ICMP error or RST is sent back).</summary>
    NetfilterReject,
    /// <summary>The conntrack table was full (nf_conntrack: table full, dropping packet).</summary>
    ConntrackFull,
    /// <summary>Conntrack classified the packet INVALID and a rule dropped it.</summary>
    ConntrackInvalid,
    /// <summary>An eBPF program returned a drop verdict.</summary>
    BpfDrop,
    /// <summary>A NetworkPolicy denied the connection.</summary>
    PolicyDenied,
    /// <summary>No socket listens on the destination port.</summary>
    NoListener,
    /// <summary>A socket receive buffer was full.</summary>
    ReceiveBufferFull,
    /// <summary>Loss injected on a link (random loss model).</summary>
    LinkLoss,
    /// <summary>A frame arrived at a device that is down or unplugged.</summary>
    DeviceDown,
    /// <summary>The destination MAC belongs to no port and flooding was not allowed.</summary>
    NoForwardingEntry,
    /// <summary>A packet arrived for a host address not present (martian or misdelivered).</summary>
    NotForThisHost,
    /// <summary>IP reassembly gave up on a fragment: the datagram was not complete within ipfrag_time, or the fragment duplicated one held.</summary>
    FragmentReassembly,
    /// <summary>
    /// nf_conntrack_confirm found the packet's new connection already inserted by another packet of the same tuple
    /// with a different NAT binding (the clash of /proc/net/stat/nf_conntrack insert_failed).
    /// </summary>
    ConntrackInsertFailed,
    /// <summary>The link had no carrier (cable pulled, port down): the NIC's queue is flushed and nothing is sent or received (netif_carrier_off).</summary>
    LinkDown,
    /// <summary>The node was powered off: its NIC is silent in both directions and nothing on it answers.</summary>
    NodeDown,
    /// <summary>A fabric switch was powered off: frames in its buffers and on its cables are lost.</summary>
    SwitchDown,
    /// <summary>A fabric switch hung: its ports keep light but it forwards nothing, until its peers route around it.</summary>
    SwitchHung,
}
