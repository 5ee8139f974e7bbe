using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Scenarios.Yaml;

namespace NetSim.Topologies.Scenarios;

/// <summary>
/// Reads cluster.load_balancer (which implementation serves type LoadBalancer), cluster.load_balancer_pool (the
/// addresses it assigns, clear of the cluster's own ranges) and cluster.load_balancer_health_check (the cloud
/// balancer's probes of the nodes).
/// </summary>
internal static class LoadBalancerReader
{
    public static ClusterSpec Read(YamlMap m, ClusterSpec spec)
    {
        spec = spec with
        {
            LoadBalancer = m.OneOf("load_balancer", ClusterSpec.LoadBalancerMetalLbL2,
                ClusterSpec.LoadBalancerCloud, ClusterSpec.LoadBalancerMetalLbL2, ClusterSpec.LoadBalancerMetalLbBgp),
        };
        // The default pool is checked only once a LoadBalancer Service needs it (ServiceAllocation): a cluster without
        // one may use 198.18.0.0/24 for anything (the testbed's node network does).
        if (m.Has("load_balancer_pool")) spec = spec with { LoadBalancerPool = Pool(m, spec) };
        if (m.OptionalMap("load_balancer_health_check") is { } hc) spec = spec with { LoadBalancerHealthCheck = HealthCheck(hc) };
        return spec;
    }

    private static Ipv4Prefix Pool(YamlMap m, ClusterSpec spec)
    {
        string text = m.Text("load_balancer_pool");
        if (!Ipv4Prefix.TryParse(text, out var pool, out string error)) throw m.Error("load_balancer_pool", error);
        CheckClear(m, spec, pool);
        return pool;
    }

    /// <summary>The pool must not overlap the pod, Service, node or external network: its addresses would be routed there.</summary>
    public static void CheckClear(YamlMap m, ClusterSpec spec, Ipv4Prefix pool)
    {
        var ranges = new List<(string Key, Ipv4Prefix Prefix)> { ("pod_cidr", spec.PodCidr), ("service_cidr", spec.ServiceCidr), ("node_cidr", spec.NodeCidr) };
        if (spec.ExternalNetwork is { } wan) ranges.Add(("external_network", wan));
        foreach (var (key, other) in ranges)
            if (other.Contains(pool.Network) || pool.Contains(other.Network))
                throw m.Error("load_balancer_pool", $"{pool} overlaps {key} {other}: load-balancer addresses must be outside the cluster's ranges (set cluster.load_balancer_pool)");
    }

    private static LoadBalancerHealthCheckSpec HealthCheck(YamlMap m)
    {
        var d = LoadBalancerHealthCheckSpec.Default;
        // GCE accepts intervals of 1..300 s and thresholds of 1..10 (compute.healthChecks API limits).
        var spec = new LoadBalancerHealthCheckSpec(
            m.Time("interval", d.Interval, SimTime.FromSeconds(1), SimTime.FromSeconds(300)),
            m.Count("healthy_threshold", d.HealthyThreshold, 1, 10),
            m.Count("unhealthy_threshold", d.UnhealthyThreshold, 1, 10));
        m.RejectUnknown();
        return spec;
    }
}
