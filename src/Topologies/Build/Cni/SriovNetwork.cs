using NetSim.Datapaths.Devices;
using NetSim.Engine.Addressing;
using NetSim.Engine.Nics;
using NetSim.Topologies.Cni;
using NetSim.Topologies.Cni.Plugins;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Build.Cni;

/// <summary>
/// The <c>sriov</c> datapath: every node's eth0 is an SR-IOV NIC (its PF eth0 in the host behind the NIC's embedded
/// switch, one VF per pod the node runs, as an SR-IOV operator's numVfs is sized) and every pod's eth0 is one of its VFs,
/// handed out by the SR-IOV network device plugin and moved into the pod by sriov-cni with a whereabouts address from the
/// pod CIDR. A pod's frames leave from its VF's own queues (the VF driver's xmit and receive on the node's cores) to the
/// embedded switch, which loops them to another VF of the same NIC in hardware or sends them out of the port; no veth,
/// bridge, host routing or host netfilter sees them, so kube-proxy's Service rules do not apply (the scenario validator
/// refuses Service traffic from and to such pods). Pods are L2 neighbours on the node network, as macvlan's are.
/// </summary>
public sealed class SriovNetwork : DevicePodNetwork
{
    /// <summary>The SR-IOV network device plugin's default resource name (its README's example), as eth0's VFs are advertised.</summary>
    public const string PodResource = SecondaryNicSpec.DefaultResource;

    /// <summary>eth0's PCI bus, just below the secondary NICs' (NodeNics.FirstBus upwards).</summary>
    public const int Eth0Bus = NodeNics.FirstBus - 1;

    public SriovNetwork(ClusterContext cluster) : base(cluster) { }

    protected override string Resource => PodResource;

    protected override bool BehindNodePort => true;

    /// <summary>
    /// Before the fabric is cabled: each node's eth0 becomes the PF of an SR-IOV NIC, the wire ending at its embedded
    /// switch, with one VF (its own MAC, queue pairs and interrupts, a netdev eth0vN in the host) per pod the node runs.
    /// </summary>
    public static void BuildEth0(ClusterContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var pods = PodNetworkPods.PerNode(ctx.Scenario);
        foreach (var node in ctx.Nodes)
        {
            var nic = node.Spec.Nic;
            var eswitch = NodeNics.Eswitch(ctx, node, "eth0", nic);
            node.Eswitch = eswitch;
            NodeNics.Plug(ctx, node, eswitch, node.Nic!, nic); // the PF: the embedded switch's first function
            string driver = NicDrivers.VfDriver(nic.Driver) ?? throw new InvalidOperationException($"{nic.Driver} has no SR-IOV VFs");
            int queues = SecondaryNicSpec.DefaultVfQueues;
            for (int i = 0; i < pods.GetValueOrDefault(node.Name); i++)
            {
                var vfNic = NodeNics.Function(node, $"eth0v{i} (VF, {driver})", queues, VfMac(node.Index, i), nic, i * queues);
                var dev = NodeNics.Netdev(node, $"eth0v{i}", vfNic, ctx.Fabric.Arp);
                string address = PciNetFunction.Address(Eth0Bus, i);
                node.PodFunctions.Add(new PciNetFunction(address, PciNetFunction.KernelPathOf(Eth0Bus, address), dev, "eth0", i)
                { Eswitch = eswitch, EswitchPort = NodeNics.Plug(ctx, node, eswitch, vfNic, nic), Resource = PodResource });
            }
        }
    }

    /// <summary>VF <paramref name="vf"/> of node <paramref name="index"/>'s eth0 (apart from every node MAC and secondary NIC's).</summary>
    private static MacAddress VfMac(int index, int vf) => MacAddress.LocallyAdministered((1UL << 32) | ((ulong)(uint)index << 12) | (uint)(vf + 1));

    /// <summary>The node's VFs as sysfs lists them, advertised by the SR-IOV network device plugin; their MACs behind the node's switch port.</summary>
    protected override void PrepareHost(BuiltNode node, CniNode cniNode) => Advertise(node, cniNode);

    protected override void InstallPlugins(BuiltNode node, CniNode cni, CniPluginRegistry plugins) => plugins.Add(new SriovPlugin(cni));

    /// <summary>sriov-cni's README network (cniVersion 0.3.1, no VLAN) with whereabouts over the cluster's pod CIDR; the VF comes from kubelet as deviceID.</summary>
    protected override string DefaultConflist(BuiltNode node) => $$$"""
        {"cniVersion":"0.3.1","name":"sriov-net","plugins":[
         {"type":"sriov","spoofchk":"on","trust":"off",
          "ipam":{"type":"whereabouts","range":"{{{Cluster.Scenario.Cluster.PodCidr}}}"}}]}
        """;
}
