using NetSim.Topologies.Build;
using NetSim.Topologies.KubeProxy;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.LoadBalancers;

/// <summary>
/// Brings each LoadBalancer Service's ingress address into the cluster the way cluster.load_balancer does it: a cloud
/// balancer beyond the gateway (<see cref="CloudLoadBalancer"/>), MetalLB's layer 2 mode (the elected speaker's ARP
/// answer: the address is reached through that node) or its BGP mode (the nodes' /32 announcements: ECMP in the
/// fabric's routers). Every node's proxy serves the address either way (kube-proxy programs it on every node).
/// </summary>
public static class LoadBalancerProvisioner
{
    /// <summary>Sets up what the scenario's LoadBalancer Services need; returns the cloud balancer when there is one.</summary>
    public static CloudLoadBalancer? Provision(BuiltCluster cluster, ServiceWiring services, IReadOnlyList<ServiceSpec> specs)
    {
        var balanced = specs.Where(s => s.Type == ServiceSpec.LoadBalancer && s.LoadBalancerIngress.Count > 0).ToList();
        if (balanced.Count == 0) return null;
        var c = cluster.Context.Scenario.Cluster;
        switch (c.LoadBalancer)
        {
            case ClusterSpec.LoadBalancerCloud:
                var cloud = new CloudLoadBalancer(cluster, services, c.LoadBalancerHealthCheck);
                foreach (var spec in balanced) cloud.Add(spec);
                cloud.Start();
                return cloud;
            case ClusterSpec.LoadBalancerMetalLbL2:
                foreach (var spec in balanced)
                    if (MetalLbL2Election.Speaker(Candidates(cluster, services, spec), spec.LoadBalancerIngress[0]) is { } speaker)
                        ExternalGateway.RouteHost(cluster, spec.LoadBalancerIngress[0], cluster.Node(speaker));
                return null;
            default:
                foreach (var spec in balanced)
                    cluster.Context.Fabric.AddAnycastRoute(Candidates(cluster, services, spec).Select(cluster.Node).ToList(), new Engine.Addressing.Ipv4Prefix(spec.LoadBalancerIngress[0], 32));
                return null;
        }
    }

    /// <summary>
    /// The nodes that may announce (MetalLB) a Service's address: every node a load balancer may use (see
    /// <see cref="EligibleNodes"/>), and with externalTrafficPolicy Local only those with a ready endpoint; none when
    /// the Service has no ready endpoint at all.
    /// </summary>
    public static IEnumerable<string> Candidates(BuiltCluster cluster, ServiceWiring services, ServiceSpec spec)
    {
        var endpoints = Endpoints(services, spec);
        if (endpoints.Count == 0) return [];
        var eligible = EligibleNodes(cluster);
        return spec.ExternalTrafficPolicy == "Local" ? eligible.Where(n => endpoints.Any(e => e.Node == n)) : eligible;
    }

    /// <summary>
    /// Nodes a load balancer sends to or announces from: all but control-plane nodes, which kubeadm labels
    /// node.kubernetes.io/exclude-from-external-load-balancers (honoured by the cloud service controller and by
    /// MetalLB); every node when the cluster has only control-plane nodes.
    /// </summary>
    public static List<string> EligibleNodes(BuiltCluster cluster)
    {
        var workers = cluster.Nodes.Where(n => n.Spec.Role != "control-plane").Select(n => n.Name).ToList();
        return workers.Count > 0 ? workers : cluster.Nodes.Select(n => n.Name).ToList();
    }

    private static IReadOnlyList<ServiceEndpoint> Endpoints(ServiceWiring services, ServiceSpec spec) =>
        services.Snapshot().FirstOrDefault(p => p.Name == spec.Name && p.Namespace == spec.Namespace)?.Endpoints ?? [];
}
