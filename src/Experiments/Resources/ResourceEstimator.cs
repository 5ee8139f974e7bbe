using System.Globalization;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Experiments.Resources;

/// <summary>
/// Estimates, from a scenario's size alone, the memory its run will need (see <see cref="MemoryCosts"/> for where
/// each figure comes from): nodes and the per-peer state between them, pods, every node's copy of the kube-proxy
/// rules (a rule per Service port and per endpoint, by mode: written once and listed by every node for Service ports
/// without Local traffic policies or zone hints, each node's own copy for the others), and what open-loop traffic piles up when it offers
/// more than the sender can carry.
/// </summary>
public static class ResourceEstimator
{
    public static ResourceEstimate For(Scenario s)
    {
        ArgumentNullException.ThrowIfNull(s);
        double nodes = s.Cluster.Nodes.Count;
        // A run with request/response traffic builds a second cluster to trace its latency budget, but only after the
        // run's own is collected (ClusterSimulation.Run): one cluster in memory at a time.
        double resident = MemoryCosts.ResidentPerRetained;
        double pods = s.Workloads.Where(w => !w.HostNetwork).Sum(w => (double)w.Replicas);
        string mode = s.KubeProxy.Mode;
        var (shared, local) = ServiceSize(s, MemoryCosts.SharesRules(mode));
        string own = shared.Ports > 0 ? "per-node " : "";
        var terms = new List<EstimateTerm>
        {
            new("runtime", MemoryCosts.Runtime),
            new($"{nodes:0} nodes", Bytes(resident * (nodes * MemoryCosts.PerNode + nodes * nodes * MemoryCosts.PerNodePair))),
            new($"{pods:0} pods", Bytes(resident * pods * MemoryCosts.PerPod)),
            new($"{mode} Service rules ({shared.Ports:N0} ports, shared by {nodes:0} nodes)",
                Bytes(resident * shared.Ports * (MemoryCosts.PerSharedService(mode) + nodes * MemoryCosts.PerSharedServicePerNode(mode)))),
            new($"{mode} endpoint rules ({shared.Endpoints:N0} endpoints, shared by {nodes:0} nodes)",
                Bytes(resident * shared.Endpoints * (MemoryCosts.PerSharedEndpoint(mode) + nodes * MemoryCosts.PerSharedEndpointPerNode(mode)))),
            new($"{mode} {own}Service rules ({local.Ports:N0} ports × {nodes:0} nodes)", Bytes(resident * nodes * local.Ports * MemoryCosts.PerServicePerNode(mode))),
            new($"{mode} {own}endpoint rules ({local.Endpoints:N0} endpoints × {nodes:0} nodes)", Bytes(resident * nodes * local.Endpoints * MemoryCosts.PerEndpointPerNode(mode))),
        };
        foreach (var t in s.Traffic) terms.AddRange(OpenLoop(s, t));
        return new ResourceEstimate(terms.Where(t => t.Bytes > 0).ToList());
    }

    /// <summary>
    /// Service ports (not headless) and their endpoints (the pods each selector matches, once per port): those whose rules
    /// every node shares, and those with a Local traffic policy or zone hints, whose rules each node writes for itself.
    /// </summary>
    private static ((double Ports, double Endpoints) Shared, (double Ports, double Endpoints) Local) ServiceSize(Scenario s, bool shares)
    {
        double ports = 0, endpoints = 0, localPorts = 0, localEndpoints = 0;
        var selection = new ServiceSelection(s.Workloads);
        bool zoned = s.Cluster.Nodes.Any(n => n.Zone.Length > 0);
        foreach (var svc in s.Services)
        {
            if (svc.Type == ServiceSpec.Headless) continue;
            double eps = selection.Of(svc).Sum(w => (double)w.Replicas) * svc.Ports.Count;
            if (!shares || svc.InternalTrafficPolicy == "Local" || svc.ExternalTrafficPolicy == "Local" || (zoned && Hinted(svc)))
            {
                localPorts += svc.Ports.Count;
                localEndpoints += eps;
            }
            else
            {
                ports += svc.Ports.Count;
                endpoints += eps;
            }
        }
        return ((ports, endpoints), (localPorts, localEndpoints));
    }

    /// <summary>
    /// Whether the EndpointSlice controller is asked for zone hints: each zone's kube-proxy then keeps only its zone's
    /// endpoints, so iptables and nftables write that Service's chains per node (EndpointCategories.SameOnEveryNode).
    /// Auto may still refuse to hint; the estimate counts the larger case.
    /// </summary>
    private static bool Hinted(ServiceSpec svc) => svc.TrafficDistribution.Length > 0 || svc.TopologyMode.Length > 0;

    /// <summary>
    /// Open-loop traffic that does not slow down when the path cannot keep up: Poisson arrivals each open a connection
    /// whether or not the last ones were served; all are counted. (A UDP sender above its NIC's rate is not among them:
    /// its socket's SO_SNDBUF blocks it, as Linux's does, so nothing piles up.)
    /// </summary>
    private static IEnumerable<EstimateTerm> OpenLoop(Scenario s, TrafficSpec t)
    {
        double seconds = ((t.Duration is { } d && t.Start + d < s.Duration ? d : s.Duration - t.Start)).TotalSeconds;
        if (t.Kind == "poisson" && t.MeanInterarrival is { } mean)
        {
            double arrivals = seconds * 1e12 / mean.Picoseconds;
            if (t.Count > 0) arrivals = Math.Min(arrivals, t.Count);
            yield return new($"{t.Name}: {arrivals.ToString("N0", CultureInfo.InvariantCulture)} arrivals", Bytes(arrivals * MemoryCosts.PerArrival));
        }
    }

    /// <summary>Bytes as a long, saturating: an absurd scenario's estimate must not wrap around to a small one.</summary>
    private static long Bytes(double bytes) => bytes >= long.MaxValue / 4.0 ? long.MaxValue / 4 : (long)Math.Ceiling(Math.Max(0, bytes));
}
