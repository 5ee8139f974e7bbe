namespace NetSim.Datapaths.Netfilter;

/// <summary>The states "-m conntrack --ctstate" matches, including the virtual SNAT/DNAT states.</summary>
[Flags]
public enum CtState
{
    None = 0,
    Invalid = 1,
    New = 2,
    Established = 4,
    Related = 8,
    Untracked = 16,
    /// <summary>The connection's source is translated (IPS_SRC_NAT).</summary>
    Snat = 32,
    /// <summary>The connection's destination is translated (IPS_DST_NAT), e.g. a Service connection after kube-proxy's DNAT.</summary>
    Dnat = 64,
}
