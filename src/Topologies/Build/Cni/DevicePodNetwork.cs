using NetSim.Datapaths.Devices;
using NetSim.Topologies.Cni;
using NetSim.Topologies.Cni.Plugins;
using NetSim.Topologies.Scenarios;

namespace NetSim.Topologies.Build.Cni;

/// <summary>
/// A pod network where every pod's eth0 is a device of its own (the sriov and host-device datapaths): the node's PCI
/// functions for pods are advertised by the SR-IOV network device plugin as <see cref="Resource"/>, kubelet's device
/// manager allocates one per pod (none free: the pod cannot start), and once CNI ADD has configured it the pod's device
/// is made known on the node network (ARP finds its address; a VF's MAC sits behind its node's switch port, as the first
/// exchange would teach the switch). Nothing connects the nodes: pods are L2 neighbours.
/// </summary>
public abstract class DevicePodNetwork : PodNetwork
{
    protected DevicePodNetwork(ClusterContext cluster) : base(cluster) { }

    /// <summary>The extended resource the node's pod devices are advertised as.</summary>
    protected abstract string Resource { get; }

    /// <summary>True when the pod's device shares its node's switch port (a VF behind the NIC's embedded switch).</summary>
    protected abstract bool BehindNodePort { get; }

    /// <summary>The node's pod devices as sysfs lists them, each advertised by the device plugin.</summary>
    protected static void Advertise(BuiltNode node, CniNode cni)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(cni);
        foreach (var f in node.PodFunctions)
        {
            cni.PciFunctions.Add(f);
            (cni.Devices ??= new KubeletDevices()).Advertise(f.Resource, f.PciAddress);
        }
    }

    /// <summary>A free device for the pod; none free is kubelet's admission error (CNI error 11).</summary>
    protected override string AllocateDevice(BuiltNode node, PlacedPod pod)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(pod);
        var devices = node.Runtime!.Node.Devices
            ?? throw new CniException(CniException.TryAgainLater, $"UnexpectedAdmissionError: Allocate failed due to unknown resource {Resource}, which is unexpected");
        return devices.Allocate($"{pod.Namespace}/{pod.Name}", Resource);
    }

    public override BuiltPod AddPod(BuiltNode node, PlacedPod pod)
    {
        var built = base.AddPod(node, pod);
        if (PodInterface.Find(built.Namespace, NodeContainerRuntime.PodInterfaceName) is PhysicalDevice dev)
        {
            Cluster.Fabric.Arp.AddHost(dev, built.Address, Cluster.Scenario.Cluster.PodCidr);
            if (BehindNodePort) Cluster.Fabric.AddEndpointBehind(node, dev.Mac);
        }
        return built;
    }

    public override void ConnectNodes(IReadOnlyList<BuiltNode> nodes) { }
}
