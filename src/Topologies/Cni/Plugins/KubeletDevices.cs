namespace NetSim.Topologies.Cni.Plugins;

/// <summary>
/// kubelet's device manager on one node with the SR-IOV network device plugin registered: each resource (e.g.
/// intel.com/intel_sriov_netdevice) is a pool of VF PCI addresses; a pod that requests one is given a free VF
/// (lowest VF number first) and keeps it until it is deleted. With none free, kubelet's own message: the pod cannot start.
/// Multus reads a pod's allocation (kubelet's checkpoint) and hands the VF to the delegate as its deviceID.
/// </summary>
public sealed class KubeletDevices
{
    private readonly Dictionary<string, List<string>> _pools = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _owner = new(StringComparer.Ordinal);

    /// <summary>The device plugin advertises <paramref name="pci"/> as one unit of <paramref name="resource"/>.</summary>
    public void Advertise(string resource, string pci)
    {
        if (!_pools.TryGetValue(resource, out var pool)) _pools[resource] = pool = new List<string>();
        pool.Add(pci);
    }

    public IReadOnlyCollection<string> Resources => _pools.Keys;

    /// <summary>Allocatable units of <paramref name="resource"/> (node status .allocatable).</summary>
    public int Allocatable(string resource) => _pools.TryGetValue(resource, out var p) ? p.Count : 0;

    /// <summary>Units of <paramref name="resource"/> no pod holds.</summary>
    public int Available(string resource) => _pools.TryGetValue(resource, out var p) ? p.Count(d => !_owner.ContainsKey(d)) : 0;

    /// <summary>
    /// A free device of <paramref name="resource"/> for <paramref name="pod"/> (namespace/name). None free is kubelet's
    /// admission error (devicemanager: "requested number of devices unavailable for ..."): CNI error 11, try again later.
    /// </summary>
    public string Allocate(string pod, string resource)
    {
        if (!_pools.TryGetValue(resource, out var pool))
            throw new CniException(CniException.TryAgainLater, $"UnexpectedAdmissionError: Allocate failed due to unknown resource {resource}, which is unexpected");
        foreach (string d in pool)
        {
            if (_owner.ContainsKey(d)) continue;
            _owner[d] = pod;
            return d;
        }
        throw new CniException(CniException.TryAgainLater,
            $"UnexpectedAdmissionError: Allocate failed due to requested number of devices unavailable for {resource}. Requested: 1, Available: 0");
    }

    /// <summary>The pod is gone: its devices go back to the pool.</summary>
    public void Release(string pod)
    {
        foreach (var d in _owner.Where(o => o.Value == pod).Select(o => o.Key).ToList()) _owner.Remove(d);
    }

    /// <summary>Gives one device back (a failed attachment).</summary>
    public void ReleaseDevice(string pci) => _owner.Remove(pci);
}
