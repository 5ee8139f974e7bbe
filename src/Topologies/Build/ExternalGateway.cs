using NetSim.Datapaths.Devices;
using NetSim.Engine.Addressing;
using NetSim.Engine.Nics;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Build;

/// <summary>
/// The cluster's way out (cluster.external_network): a Linux router with eth0 on the node network, holding the nodes'
/// default gateway address (the node CIDR's .1 on one segment; in a routed fabric the first rack's .254, with the
/// leaves and spines routing the external network to it), and eth1 on the external network's .1, where the external
/// hosts are. It forwards between its connected networks and knows no pod CIDR: on one segment it has no default
/// route at all, in a routed fabric its default is the leaf (which knows what native routing announced to it). So a
/// reply to an un-masqueraded pod address dies here (no route), as at a real edge router.
/// </summary>
public static class ExternalGateway
{
    public const string Name = "gateway";
    /// <summary>The router's host number on a routed fabric's first rack subnet (.1 is the leaf's).</summary>
    public const int RoutedFabricHost = 254;

    /// <summary>The router with eth0 on the node network; <see cref="Cable"/> adds eth1 and the hosts behind it.</summary>
    public static BuiltNode Build(ClusterContext ctx, int index)
    {
        var c = ctx.Scenario.Cluster;
        var spec = new NodeSpec(Name, c.Nodes[0].Cores, c.Nodes[0].Nic, "external", 0);
        if (!ctx.Fabric.IsRouted)
            return ClusterBuilder.BuildNode(ctx, index, spec, null, (c.NodeCidr.Address(1), c.NodeCidr), gateway: Ipv4Address.Any);
        var rack = Fabric.RackSubnet(c.NodeCidr, 0);
        return ClusterBuilder.BuildNode(ctx, index, spec, null, (rack.Address(RoutedFabricHost), rack));
    }

    /// <summary>eth1 on the external network's .1, one L2 segment with every external host, and the fabric's route to it.</summary>
    public static void Cable(ClusterContext ctx, BuiltNode router, IReadOnlyList<BuiltNode> hosts)
    {
        var wan = ctx.Scenario.Cluster.ExternalNetwork!.Value;
        var nicSpec = router.Nic!.Spec;
        var nic = new Nic(router.Context, "eth1 (NIC)", nicSpec with { Mac = MacAddress.LocallyAdministered(0x2_0000UL + (ulong)router.Index) });
        for (int q = 0; q < nicSpec.RxQueues; q++) nic.SetRxQueueCore(q, q % router.Spec.Cores);
        var eth1 = new PhysicalDevice(router.Host, "eth1", router.Spec.Nic.Mtu, nic.Mac, nic) { Link = ctx.Fabric.Arp };
        nic.ReceiveTarget = eth1.RxEntry;
        router.Host.AddAddress(eth1, $"{wan.Address(1)}/{wan.Length}");
        ctx.Fabric.Arp.AddHost(eth1, wan.Address(1), wan);
        ctx.Fabric.AddSegment("external", [(Name, nic), .. hosts.Select(h => (h.Name, h.Nic!))]);
        ctx.Fabric.AddHostRoute(router, wan);
    }

    /// <summary>
    /// Service external IPs reach the cluster the way an admin usually arranges it: a static route on the way in
    /// pointing each address at the first node, whose kube-proxy serves it (any node would do: every node programs
    /// them). In a routed fabric the leaves and spines carry it to the first node's port (every host's default is its
    /// leaf); on one segment it is the gateway's route via the first node or, with external clients on the node
    /// network itself, each client's.
    /// </summary>
    public static void RouteExternalIps(BuiltCluster cluster, IEnumerable<Ipv4Address> externalIps)
    {
        foreach (var ip in externalIps.Distinct()) RouteHost(cluster, ip, cluster.Nodes[0]);
    }

    /// <summary>
    /// <paramref name="ip"/> reaches the cluster through <paramref name="node"/>: the leaves' and spines' host route in a
    /// routed fabric; on one segment the gateway's route via the node (or each external client's, with no gateway) —
    /// what an ARP answer from that node for the address amounts to (MetalLB's layer 2 mode).
    /// </summary>
    public static void RouteHost(BuiltCluster cluster, Ipv4Address ip, BuiltNode node)
    {
        var gateway = cluster.Externals.FirstOrDefault(n => n.Name == Name && cluster.Context.Scenario.Cluster.ExternalNetwork is not null);
        var host = new Ipv4Prefix(ip, 32);
        if (cluster.Context.Fabric.IsRouted) cluster.Context.Fabric.AddHostRoute(node, host);
        else if (gateway is not null) Via(gateway, host, node);
        else
            foreach (var client in cluster.Externals) Via(client, host, node);
    }

    /// <summary>ip route replace HOST via NODE dev eth0 on <paramref name="at"/>: a new owner of the address (MetalLB's failover) replaces the old one.</summary>
    private static void Via(BuiltNode at, Ipv4Prefix host, BuiltNode node) => at.Host.ReplaceRoute(new Datapaths.Routing.Route
    {
        Prefix = host,
        Device = at.Eth0,
        Gateway = node.Address,
        Scope = Datapaths.Routing.RouteScope.Global,
    });
}
