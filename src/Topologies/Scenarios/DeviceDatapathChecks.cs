using NetSim.Engine.Nics;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Scenarios.Yaml;

namespace NetSim.Topologies.Scenarios;

/// <summary>
/// What the sriov and host-device datapaths cannot do, refused before anything runs: a pod whose eth0 is a VF or a
/// whole NIC sends and receives outside the node's network stack, so kube-proxy's Service rules (iptables, IPVS or
/// nftables on the host) never see its packets and Services do not reach it; on real clusters Services to SR-IOV
/// primary interfaces do not work through kube-proxy either. An SR-IOV NIC has at most sriov_totalvfs VFs, and
/// virtio-net and ENA have none to hand out.
/// </summary>
internal static class DeviceDatapathChecks
{
    public static bool IsDeviceDatapath(string datapath) => datapath is DatapathNames.Sriov or DatapathNames.HostDevice;

    public static void Check(Scenario s, YamlDoc doc)
    {
        if (IsDeviceDatapath(s.Cni.Datapath)) Check(s, doc, s.Cni.Datapath, "cni.datapath");
        for (int i = 0; i < s.CompareDatapaths.Count; i++)
            if (IsDeviceDatapath(s.CompareDatapaths[i])) Check(s, doc, s.CompareDatapaths[i], $"compare[{i}]");
    }

    private static void Check(Scenario s, YamlDoc doc, string datapath, string field)
    {
        for (int i = 0; i < s.Traffic.Count; i++)
            if (ThroughAService(s.Traffic[i]) is { } what)
                throw ScenarioValidator.Error(doc, field == "cni.datapath" ? $"traffic[{i}].to" : field,
                    $"{datapath}: traffic[{i}] goes {what}, but a pod's eth0 on {datapath} is {Device(datapath)} outside the node's network stack, so kube-proxy's Service rules never see its packets (on real clusters Services do not reach SR-IOV or host-device primary interfaces through kube-proxy); send to the pods, or use another datapath");
        if (datapath != DatapathNames.Sriov) return;
        var nic = s.Cluster.Nodes[0].Nic;
        if (NicDrivers.VfDriver(nic.Driver) is null)
            throw ScenarioValidator.Error(doc, "cluster.nic.driver", $"{datapath}: a {nic.Driver} NIC has no SR-IOV virtual functions to give pods");
        foreach (var (node, pods) in PodNetworkPods.PerNode(s).OrderBy(p => p.Key, StringComparer.Ordinal))
            if (pods > SecondaryNicSpec.DefaultTotalVfs)
                throw ScenarioValidator.Error(doc, field, $"{datapath}: {node} runs {pods} pods but its eth0 has {SecondaryNicSpec.DefaultTotalVfs} VFs (sriov_totalvfs), one per pod");
    }

    private static string Device(string datapath) => datapath == DatapathNames.Sriov ? "an SR-IOV VF" : "a whole NIC";

    /// <summary>The Service a flow reaches through kube-proxy (a ClusterIP, NodePort, external IP, load balancer or a name resolved by the cluster DNS), or null.</summary>
    private static string? ThroughAService(TrafficSpec t) => t.To.Kind switch
    {
        EndpointKind.Service => $"to Service {t.To.Name}'s ClusterIP",
        EndpointKind.NodePort => $"to Service {t.To.Name}'s NodePort",
        EndpointKind.ExternalIp => $"to Service {t.To.Name}'s external IP",
        EndpointKind.LoadBalancer => $"to Service {t.To.Name}'s load balancer",
        EndpointKind.Dns => $"to {t.To.Name} through the cluster DNS Service",
        _ => t.Kind == "dns" ? "to the cluster DNS Service" : null,
    };
}
