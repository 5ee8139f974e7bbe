namespace NetSim.Topologies.KubeProxy;

/// <summary>The ipset types kube-proxy's IPVS mode uses, with the packet fields each is matched on.</summary>
public enum IpSetType
{
    /// <summary>hash:ip, matched "dst" (KUBE-IPVS-IPS).</summary>
    HashIp,
    /// <summary>hash:ip,port, matched "dst,dst" (KUBE-CLUSTER-IP): destination address, protocol and port.</summary>
    HashIpPort,
    /// <summary>hash:ip,port,ip, matched "dst,dst,src" (KUBE-LOOP-BACK): endpoint address and port, and the source.</summary>
    HashIpPortIp,
    /// <summary>bitmap:port, matched "dst" (KUBE-NODE-PORT-TCP): destination port only (one set per protocol).</summary>
    BitmapPort,
    /// <summary>hash:net, matched "src" or "dst": address in one of the set's prefixes (Felix's IP-pool sets).</summary>
    HashNet,
}
