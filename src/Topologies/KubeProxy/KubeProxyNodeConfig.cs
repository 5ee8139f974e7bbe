using NetSim.Engine.Addressing;

namespace NetSim.Topologies.KubeProxy;

/// <summary>
/// What kube-proxy knows about its node: name (to tell local endpoints), node IP, the cluster (pod) CIDR its
/// local-traffic detector uses, the masquerade mark (bit 14 → 0x4000) and --masquerade-all.
/// </summary>
public sealed record KubeProxyNodeConfig(string NodeName, Ipv4Address NodeIp, Ipv4Prefix ClusterCidr, uint MasqueradeMark = 0x4000, bool MasqueradeAll = false)
{
    /// <summary>The node's topology.kubernetes.io/zone label ("" when unlabelled: zone hints are then ignored).</summary>
    public string Zone { get; init; } = "";

    internal void Validate()
    {
        if (string.IsNullOrEmpty(NodeName)) throw new ArgumentException("kube-proxy needs the node's name");
        if (MasqueradeMark == 0 || (MasqueradeMark & (MasqueradeMark - 1)) != 0)
            throw new ArgumentException($"masquerade mark 0x{MasqueradeMark:x} must be a single bit");
    }
}
