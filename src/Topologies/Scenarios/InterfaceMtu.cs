using System.Text.Json.Nodes;
using NetSim.Topologies.Cni;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Scenarios;

/// <summary>
/// The MTU of the interface a traffic endpoint sends from, worked out from the scenario alone (as the built cluster
/// will have it): a pod's eth0 gets the CNI's pod MTU (the NIC MTU less the encapsulation and encryption headers,
/// or cni.mtu, or what the conflist's plugin sets); a node, a host-network pod or an external client sends from its
/// NIC. What lets validation refuse a ping that cannot leave its socket (fragmentation is not modelled).
/// </summary>
public static class InterfaceMtu
{
    public static int Of(Scenario s, EndpointRef e)
    {
        var nodes = s.Cluster.Nodes;
        switch (e.Kind)
        {
            case EndpointKind.Node:
                return nodes.First(n => n.Name == e.Name).Nic.Mtu;
            case EndpointKind.Pod or EndpointKind.Workload:
                var pod = PodPlacement.Place(s.Cluster, s.Workloads).First(p => p.Name == e.Name || (p.Index == 0 && p.Workload == e.Name));
                var nic = nodes.First(n => n.Name == pod.Node).Nic;
                return pod.HostNetwork || s.Cni.Datapath == DatapathNames.Host ? nic.Mtu : PodMtu(s, nic);
            default:
                return nodes[0].Nic.Mtu; // an external client has the first node's NIC
        }
    }

    /// <summary>The pod MTU the CNI plugin gives a pod's eth0 on a node with <paramref name="nic"/>.</summary>
    public static int PodMtu(Scenario s, NicSpec nic)
    {
        int derived = DatapathNames.IsWeave(s.Cni.Datapath) ? WeaveOverlay.PodMtu(s.Cni, s.Cluster.Nodes.Min(n => n.Nic.Mtu)) : s.Cni.Mtu > 0 ? s.Cni.Mtu : nic.Mtu - Overhead(s.Cni);
        if (s.Cni.ConflistText is not { } text) return derived;
        // The conflist's own setting wins, as each plugin reads it (placeholders filled in as the installer does).
        var main = NetworkConfigList.Parse(ConflistTemplate.Render(text, "node1", derived, s.Cluster.PodCidr.ToString())).Plugins[0];
        return main["type"]!.GetValue<string>() switch
        {
            "bridge" or "calico" => Number(main["mtu"]) ?? 1500,
            "flannel" => Number((main["delegate"] as JsonObject)?["mtu"]) ?? derived,
            _ => derived,
        };
    }

    private static int? Number(JsonNode? n) => n is JsonValue v && v.TryGetValue(out int i) ? i : null;

    private static int Overhead(CniSpec cni) => NodeEncryptionKinds.PodMtuOverhead(cni);
}
