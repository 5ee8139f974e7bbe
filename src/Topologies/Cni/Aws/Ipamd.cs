using NetSim.Engine.Addressing;

namespace NetSim.Topologies.Cni.Aws;

/// <summary>
/// A node's ipamd (the aws-node DaemonSet's IP address manager) as the CNI binary sees it over gRPC: the ENIs
/// attached with their warm pool, and AddNetwork / DelNetwork handing out and taking back a pod address — the first
/// free one in ENI device order (ipamd's datastore walks its ENIs; the order there is Go map order, here the device
/// order so runs repeat). No address free: the error the plugin returns ("no available IP/Prefix addresses").
/// </summary>
public sealed class Ipamd
{
    public Ipamd(string instanceType, bool prefixDelegation)
    {
        InstanceType = instanceType;
        PrefixDelegation = prefixDelegation;
    }

    public string InstanceType { get; }
    public bool PrefixDelegation { get; }
    public List<AttachedEni> Enis { get; } = new();
    /// <summary>Pods that would have waited for an ENI attach or address assignment (<see cref="EniWarmPool.PodsThatWaited"/>).</summary>
    public int PodsThatWaited { get; set; }

    /// <summary>AddNetwork: an address for the container and the ENI it belongs to.</summary>
    public (Ipv4Address Ip, AttachedEni Eni) Assign(string containerId)
    {
        foreach (var eni in Enis)
            foreach (var ip in eni.Addresses)
                if (eni.Assigned.TryAdd(ip, containerId)) return (ip, eni);
        throw new CniException(CniException.TryAgainLater, $"add cmd: failed to assign an IP address to container {containerId}: no available IP/Prefix addresses");
    }

    /// <summary>DelNetwork: the container's address goes back to its ENI's pool (idempotent, as DEL must be).</summary>
    public void Release(string containerId)
    {
        foreach (var eni in Enis)
            foreach (var (ip, owner) in eni.Assigned)
                if (owner == containerId)
                {
                    eni.Assigned.Remove(ip);
                    return;
                }
    }

    public AttachedEni? EniOf(Ipv4Address ip) => Enis.FirstOrDefault(e => e.Assigned.ContainsKey(ip));
}
