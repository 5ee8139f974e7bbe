using NetSim.Engine.Core;

namespace NetSim.Topologies.Scenarios.Model;

/// <summary>
/// A cloud load balancer's health check of a node: every <see cref="Interval"/> it asks the node (kube-proxy's
/// healthCheckNodePort /healthz with externalTrafficPolicy Local, the node's kube-proxy /healthz on 10256 with Cluster);
/// a node leaves the rotation after <see cref="UnhealthyThreshold"/> failed checks in a row and returns after
/// <see cref="HealthyThreshold"/> good ones. (The probe's 1 s timeout matters only for a node
/// that does not answer at all; kube-proxy answers 503 at once, so it is not a field here.)
/// </summary>
public sealed record LoadBalancerHealthCheckSpec(SimTime Interval, int HealthyThreshold, int UnhealthyThreshold)
{
    /// <summary>
    /// The health check Kubernetes' GCE cloud provider creates for an L4 LoadBalancer Service: 8 s interval, 1 s timeout,
    /// healthy after 1 success, unhealthy after 3 failures ("3 * 8 = 24 seconds before the LB will steer traffic away").
    /// </summary>
    public static readonly LoadBalancerHealthCheckSpec Default = new(SimTime.FromSeconds(8), 1, 3);

    /// <summary>How long after a node's last good answer the balancer stops sending to it, at most.</summary>
    public SimTime Detection => new(Interval.Picoseconds * UnhealthyThreshold);
}
