using NetSim.Topologies.Build.Cni;
using NetSim.Topologies.Scenarios;

namespace NetSim.Topologies.Build;

/// <summary>The datapath builder for each datapath name.</summary>
public static class PodNetworks
{
    public static PodNetwork For(ClusterContext cluster) => cluster.Scenario.Cni.Datapath switch
    {
        DatapathNames.Host => new HostNetwork(cluster),
        DatapathNames.Bridge => new BridgeNetwork(cluster, vxlan: false, flannel: false),
        DatapathNames.FlannelHostGw => new BridgeNetwork(cluster, vxlan: false, flannel: true),
        DatapathNames.FlannelVxlan => new BridgeNetwork(cluster, vxlan: true, flannel: true),
        DatapathNames.CalicoBgp or DatapathNames.CalicoIpip or DatapathNames.CalicoVxlan or DatapathNames.CalicoEbpf => new CalicoNetwork(cluster),
        DatapathNames.CiliumVxlan or DatapathNames.CiliumGeneve or DatapathNames.CiliumEbpf or DatapathNames.CiliumLegacy => new CiliumNetwork(cluster),
        DatapathNames.Ptp => new BridgeNetwork(cluster, vxlan: false, flannel: false, ptp: true),
        DatapathNames.AwsVpcCni => new AwsVpcNetwork(cluster),
        DatapathNames.Macvlan => new MacvlanNetwork(cluster),
        DatapathNames.Ipvlan => new IpvlanNetwork(cluster),
        DatapathNames.Sriov => new SriovNetwork(cluster),
        DatapathNames.HostDevice => new HostDeviceNetwork(cluster),
        DatapathNames.Weave or DatapathNames.WeaveSleeve => new WeaveNetwork(cluster),
        DatapathNames.FlannelWireGuard => new BridgeNetwork(cluster, vxlan: false, flannel: true, wireguard: true),
        var other => throw new ArgumentException($"no datapath named '{other}'"),
    };
}
