using NetSim.Engine.Addressing;
using NetSim.Topologies.Cni;
using NetSim.Topologies.Cni.Plugins;
using NetSim.Topologies.Scenarios;

namespace NetSim.Topologies.Build.Cni;

/// <summary>
/// The <c>host-device</c> datapath: every pod owns a whole NIC, moved into its netns by the host-device plugin. The
/// node needs a NIC per pod, so the datapath gives each node as many NICs of eth0's spec (rate, MTU, queues, offloads,
/// driver) as pods it runs, each cabled to the node network's switch and advertised whole by the SR-IOV network device
/// plugin; kubelet hands one to each pod as its deviceID (a pod started later finds none free and cannot start, as
/// kubelet's admission refuses it). The pod's packets go from its own NIC driver straight to the wire: no veth, bridge,
/// host routing or host netfilter, so kube-proxy's Service rules do not apply (the validator refuses Service traffic).
/// Pods get whereabouts addresses from the pod CIDR and are L2 neighbours on the node network.
/// </summary>
public sealed class HostDeviceNetwork : DevicePodNetwork
{
    /// <summary>The resource NetSim names the pool of whole NICs (the device plugin's default prefix; the name is NetSim's).</summary>
    public const string PodResource = "intel.com/host_device_nic";

    public HostDeviceNetwork(ClusterContext cluster) : base(cluster) { }

    protected override string Resource => PodResource;

    protected override bool BehindNodePort => false;

    /// <summary>The node's NICs for pods (eth1, eth2 ... after cluster.nics), cabled to the node network; then advertised.</summary>
    protected override void PrepareHost(BuiltNode node, CniNode cniNode)
    {
        int count = PodNetworkPods.PerNode(Cluster.Scenario).GetValueOrDefault(node.Name);
        var nic = node.Spec.Nic;
        for (int i = 0; i < count; i++)
        {
            int k = node.SecondaryNics.Count + i;
            string name = $"eth{k + 1}";
            var f = NodeNics.Function(node, nic.Driver is { } d ? $"{name} (NIC, {d})" : $"{name} (NIC)", nic.Queues, Mac(node.Index, i), nic, 0);
            var dev = NodeNics.Netdev(node, name, f, Cluster.Fabric.Arp);
            Cluster.Fabric.CableNic(node, f, name);
            int bus = NodeNics.FirstBus + k;
            string address = PciNetFunction.Address(bus, -1);
            node.PodFunctions.Add(new PciNetFunction(address, PciNetFunction.KernelPathOf(bus, address), dev, name, -1) { Resource = PodResource });
        }
        Advertise(node, cniNode);
    }

    /// <summary>NIC <paramref name="i"/> for pods on node <paramref name="index"/> (apart from node and VF MACs).</summary>
    private static MacAddress Mac(int index, int i) => MacAddress.LocallyAdministered((0xDUL << 32) | ((ulong)(uint)index << 12) | (uint)i);

    protected override void InstallPlugins(BuiltNode node, CniNode cni, CniPluginRegistry plugins) => plugins.Add(new HostDevicePlugin(cni));

    /// <summary>
    /// host-device with the device from kubelet (runtimeConfig.deviceID, the "deviceID" capability, overriding pciBusID)
    /// and whereabouts over the cluster's pod CIDR.
    /// </summary>
    protected override string DefaultConflist(BuiltNode node) => $$$"""
        {"cniVersion":"1.0.0","name":"host-device-net","plugins":[
         {"type":"host-device","capabilities":{"deviceID":true},
          "ipam":{"type":"whereabouts","range":"{{{Cluster.Scenario.Cluster.PodCidr}}}"}}]}
        """;
}
