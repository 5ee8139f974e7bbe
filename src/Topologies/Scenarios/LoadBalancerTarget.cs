using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Scenarios;

/// <summary>Checks an lb:SERVICE[:PORT] endpoint against the scenario (for traffic and for trace).</summary>
public static class LoadBalancerTarget
{
    /// <summary>Why lb:SERVICE[:PORT] cannot be reached, or null.</summary>
    public static string? Problem(Scenario s, EndpointRef e) => s.Services.FirstOrDefault(v => v.Name == e.Name) switch
    {
        not { Type: ServiceSpec.LoadBalancer } => $"no LoadBalancer Service named {e.Name}",
        { LoadBalancerIngress.Count: 0 } => $"Service {e.Name} has no load-balancer address: cluster.load_balancer_pool {s.Cluster.LoadBalancerPool} is used up (its status stays pending)",
        var v when e.Port != 0 && !v.Ports.Any(p => p.Port == e.Port) => $"Service {e.Name} has no port {e.Port}",
        _ => null,
    };
}
