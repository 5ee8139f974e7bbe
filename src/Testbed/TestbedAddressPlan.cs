using NetSim.Datapaths.Tunnels;
using NetSim.Engine.Addressing;
using NetSim.Engine.Costs;
using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Testbed;

/// <summary>
/// The addresses, MTUs and MACs of one testbed path, read from NetSim's own build of the generated scenario, so the
/// namespaces this machine gets are wired exactly as the simulation that predicts them (node addresses on eth0, each
/// node's pod subnet and cni0 gateway, the pods' addresses and MTU, flannel.1's address and MAC).
/// </summary>
public sealed record TestbedAddressPlan(
    IReadOnlyList<NodePlan> Nodes,
    int NodePrefixLength,
    int NodeMtu,
    IReadOnlyDictionary<string, PodPlan> Pods,
    int PodMtu)
{
    public static TestbedAddressPlan From(Scenario scenario, CostProfile profile)
    {
        var cluster = ClusterBuilder.Build(scenario, profile);
        var nodes = cluster.Nodes.Select(n => new NodePlan(n.Address, n.Eth0.Mac, n.PodSubnet, n.PodGateway,
            n.Tunnel is VxlanDevice v ? new TunnelPlan(n.TunnelAddress, v.Mac) : null)).ToList();
        var pods = cluster.Pods.ToDictionary(p => p.Placed.Workload, p => new PodPlan(p.Placed.Workload, cluster.Nodes.ToList().IndexOf(p.Node), p.Address),
            StringComparer.Ordinal);
        return new TestbedAddressPlan(nodes, cluster.Nodes[0].NodeSubnet.Length, cluster.Nodes[0].Eth0.Mtu, pods,
            cluster.Network.PodMtu(cluster.Nodes[0]));
    }
}

/// <summary>A node: its eth0 address and MAC, its pod subnet and cni0 gateway (null for host networking), its VXLAN device.</summary>
public sealed record NodePlan(Ipv4Address Address, MacAddress Mac, Ipv4Prefix? PodSubnet, Ipv4Address Gateway, TunnelPlan? Tunnel);

/// <summary>flannel.1 on a node: its address (the pod subnet's .0/32) and MAC, which the peer's neighbour and FDB entries name.</summary>
public sealed record TunnelPlan(Ipv4Address Address, MacAddress Mac);

/// <summary>A pod (workload client, peer or server): the node it is on (0 or 1) and its address.</summary>
public sealed record PodPlan(string Name, int Node, Ipv4Address Address);
