using NetSim.Engine.Addressing;

namespace NetSim.Topologies.Scenarios.Model;

/// <summary>
/// A NIC every node has besides eth0 (cluster.nics): its interface name, the NIC itself, the network it is cabled to
/// (a switch of its own, apart from the node fabric: an HPC user's fast network) and that network's subnet, where each
/// node's host address is .10 upwards. With <see cref="NumVfs"/> above zero it is an SR-IOV NIC: that many virtual
/// functions are created (echo N > sriov_numvfs), each a PCI function with its own MAC and queues behind the NIC's
/// embedded switch, offered to pods by the SR-IOV device plugin as <see cref="Resource"/>.
/// </summary>
public sealed record SecondaryNicSpec(string Name, NicSpec Nic, string Network, Ipv4Prefix Cidr)
{
    /// <summary>Virtual functions created on the NIC (sriov_numvfs); 0: none, a plain NIC.</summary>
    public int NumVfs { get; init; }

    /// <summary>sriov_totalvfs: the most VFs the NIC supports; sriov_numvfs above it is refused, as the kernel does (ERANGE).</summary>
    public int TotalVfs { get; init; } = DefaultTotalVfs;

    /// <summary>64 VFs per port: the Intel Ethernet XL710's limit (Intel's "Configure SR-IOV Network Virtual Functions in Linux KVM").</summary>
    public const int DefaultTotalVfs = 64;

    /// <summary>Queue pairs of each VF: i40e gives a VF 4 (I40E_DEFAULT_QUEUES_PER_VF, drivers/net/ethernet/intel/i40e).</summary>
    public int VfQueues { get; init; } = DefaultVfQueues;

    public const int DefaultVfQueues = 4;

    /// <summary>The extended resource the SR-IOV device plugin advertises the VFs as (resourcePrefix/resourceName).</summary>
    public string Resource { get; init; } = DefaultResource;

    /// <summary>The device plugin's resourcePrefix default "intel.com" and its README's example name "intel_sriov_netdevice".</summary>
    public const string DefaultResource = "intel.com/intel_sriov_netdevice";
}
