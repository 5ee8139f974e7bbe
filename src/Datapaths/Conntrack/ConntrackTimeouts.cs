using NetSim.Engine.Core;

namespace NetSim.Datapaths.Conntrack;

/// <summary>
/// The kernel's default conntrack timeouts and limits, each under its sysctl name (net.netfilter.*), from
/// nf_conntrack_proto_{tcp,udp,icmp,generic}.c and nf_conntrack_core.c.
/// </summary>
public static class ConntrackTimeouts
{
    /// <summary>nf_conntrack_tcp_timeout_syn_sent: 2 min.</summary>
    public const long TcpSynSentSeconds = 120;
    /// <summary>nf_conntrack_tcp_timeout_syn_recv: 60 s.</summary>
    public const long TcpSynRecvSeconds = 60;
    /// <summary>nf_conntrack_tcp_timeout_established: 5 days.</summary>
    public const long TcpEstablishedSeconds = 432_000;
    /// <summary>nf_conntrack_tcp_timeout_fin_wait: 2 min.</summary>
    public const long TcpFinWaitSeconds = 120;
    /// <summary>nf_conntrack_tcp_timeout_close_wait: 60 s.</summary>
    public const long TcpCloseWaitSeconds = 60;
    /// <summary>nf_conntrack_tcp_timeout_last_ack: 30 s.</summary>
    public const long TcpLastAckSeconds = 30;
    /// <summary>nf_conntrack_tcp_timeout_time_wait: 2 min.</summary>
    public const long TcpTimeWaitSeconds = 120;
    /// <summary>nf_conntrack_tcp_timeout_close: 10 s.</summary>
    public const long TcpCloseSeconds = 10;
    /// <summary>nf_conntrack_udp_timeout: 30 s for a flow without replies (or replied for less than 2 s).</summary>
    public const long UdpSeconds = 30;
    /// <summary>nf_conntrack_udp_timeout_stream: 120 s once a flow with replies has lasted 2 s (it is then ASSURED).</summary>
    public const long UdpStreamSeconds = 120;
    /// <summary>Age after which a replied UDP flow counts as a stream (stream_ts = jiffies + 2 * HZ).</summary>
    public const long UdpStreamAfterSeconds = 2;
    /// <summary>nf_conntrack_icmp_timeout: 30 s.</summary>
    public const long IcmpSeconds = 30;
    /// <summary>nf_conntrack_generic_timeout: 10 min (other IP protocols).</summary>
    public const long GenericSeconds = 600;
    /// <summary>
    /// nf_conntrack_max: the kernel sizes it from memory (262144 on a machine with 4 GiB or more; kube-proxy then
    /// raises it to 32768 per core, at least 131072).
    /// </summary>
    public const int DefaultMax = 262_144;
    /// <summary>NF_CT_EVICTION_RANGE: how many entries early_drop examines when the table is full.</summary>
    public const int EvictionRange = 8;
    /// <summary>net.ipv4.ipfrag_time: 30 s to complete a datagram's reassembly.</summary>
    public const long IpFragTimeSeconds = 30;

    internal static long Ps(long seconds) => seconds * SimTime.PicosPerSecond;
}
