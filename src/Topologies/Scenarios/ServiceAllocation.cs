using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Scenarios.Yaml;

namespace NetSim.Topologies.Scenarios;

/// <summary>
/// What the control plane fills in once Services exist: node ports the user left out (kube-apiserver's allocator,
/// <see cref="NodePortAllocator"/>), the healthCheckNodePort of a LoadBalancer with externalTrafficPolicy Local, and
/// each LoadBalancer's ingress address from cluster.load_balancer_pool (MetalLB's allocator: the lowest free address
/// of the pool, Services in order; the cloud's is modelled the same way).
/// </summary>
internal static class ServiceAllocation
{
    public static IReadOnlyList<ServiceSpec> Allocate(IReadOnlyList<ServiceSpec> services, ClusterSpec cluster, ulong seed, YamlMap top)
    {
        if (!services.Any(s => s.HasNodePorts)) return services;
        var ports = new NodePortAllocator(ServiceReader.NodePortMin, ServiceReader.NodePortMax, seed);
        var owner = new Dictionary<int, string>();
        foreach (var s in services)
            foreach (var p in s.Ports.Where(p => p.NodePort != 0).Append(new ServicePortSpec("", 0, "", s.HealthCheckNodePort, "")).Where(p => p.NodePort != 0))
                if (!ports.Reserve(p.NodePort)) // the API server refuses a Service whose chosen port is taken ("provided port is already allocated")
                    throw s.Origin is { } o ? o.Error("spec.ports.nodePort", $"node port {p.NodePort} is used by both {owner[p.NodePort]} and {s.Name}")
                        : top.Error("services", $"node port {p.NodePort} is used by both {owner[p.NodePort]} and {s.Name}");
                else owner[p.NodePort] = s.Name;
        ulong nextAddress = 0;
        var result = new List<ServiceSpec>(services.Count);
        foreach (var s in services)
        {
            if (!s.HasNodePorts)
            {
                result.Add(s);
                continue;
            }
            var filled = s with { Ports = s.Ports.Select(p => p.NodePort != 0 ? p : p with { NodePort = Next(ports, top, s) }).ToList() };
            if (s.Type == ServiceSpec.LoadBalancer)
            {
                CheckImplementation(cluster, top);
                filled = filled with
                {
                    HealthCheckNodePort = s.ExternalTrafficPolicy != "Local" ? 0 : s.HealthCheckNodePort != 0 ? s.HealthCheckNodePort : Next(ports, top, s),
                    LoadBalancerIngress = nextAddress < cluster.LoadBalancerPool.Size ? [cluster.LoadBalancerPool.Address(nextAddress++)] : [],
                };
            }
            result.Add(filled);
        }
        return result;
    }

    private static int Next(NodePortAllocator ports, YamlMap top, ServiceSpec s) =>
        ports.Allocate() is var p and > 0 ? p
        : throw top.Error("services", $"no node port is left for Service {s.Name}: the range {ServiceReader.NodePortMin}-{ServiceReader.NodePortMax} is used up");

    /// <summary>The implementation must have what it works with: the cloud's balancer sits beyond the gateway, BGP needs routers to peer with.</summary>
    private static void CheckImplementation(ClusterSpec cluster, YamlMap top)
    {
        var c = top.Map("cluster");
        if (cluster.LoadBalancer == ClusterSpec.LoadBalancerCloud && cluster.ExternalNetwork is null)
            throw c.Error("load_balancer", "a cloud load balancer sits beyond the cluster's gateway: set cluster.external_network");
        LoadBalancerReader.CheckClear(c, cluster, cluster.LoadBalancerPool);
        if (cluster.LoadBalancer == ClusterSpec.LoadBalancerMetalLbBgp && cluster.Fabric.Type != FabricSpec.LeafSpine)
            throw c.Error("load_balancer", "MetalLB in BGP mode announces to the fabric's routers: set cluster.fabric.type leaf-spine (one switch has no router to peer with)");
    }
}
