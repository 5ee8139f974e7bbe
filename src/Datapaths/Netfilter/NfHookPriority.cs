namespace NetSim.Datapaths.Netfilter;

/// <summary>enum nf_ip_hook_priorities: the order functions run at one hook (lower first).</summary>
public static class NfHookPriority
{
    public const int First = int.MinValue;
    /// <summary>NF_IP_PRI_CONNTRACK_DEFRAG: reassembly before conntrack sees the packet.</summary>
    public const int ConntrackDefrag = -400;
    /// <summary>NF_IP_PRI_RAW: the raw table (NOTRACK lives here).</summary>
    public const int Raw = -300;
    /// <summary>NF_IP_PRI_CONNTRACK: nf_conntrack_in.</summary>
    public const int Conntrack = -200;
    /// <summary>NF_IP_PRI_MANGLE.</summary>
    public const int Mangle = -150;
    /// <summary>NF_IP_PRI_NAT_DST: DNAT (PREROUTING, OUTPUT).</summary>
    public const int NatDestination = -100;
    /// <summary>NF_IP_PRI_FILTER.</summary>
    public const int Filter = 0;
    /// <summary>NF_IP_PRI_SECURITY.</summary>
    public const int Security = 50;
    /// <summary>NF_IP_PRI_NAT_SRC: SNAT/MASQUERADE (POSTROUTING, INPUT).</summary>
    public const int NatSource = 100;
    /// <summary>NF_IP_PRI_CONNTRACK_CONFIRM: nf_conntrack_confirm, the very last function.</summary>
    public const int ConntrackConfirm = int.MaxValue;
}
