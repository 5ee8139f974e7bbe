using System.Globalization;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Experiments.Resources;

/// <summary>
/// Estimates, from a scenario's size alone, the memory its run will need (see <see cref="MemoryCosts"/> for where
/// each figure comes from): nodes and the per-peer state between them, pods, every node's copy of the kube-proxy
/// rules (a rule per Service port and per endpoint, by mode), and what open-loop traffic piles up when it offers
/// more than the sender can carry.
/// </summary>
public static class ResourceEstimator
{
    public static ResourceEstimate For(Scenario s)
    {
        ArgumentNullException.ThrowIfNull(s);
        double nodes = s.Cluster.Nodes.Count;
        // The run builds a second cluster to trace the latency budget of its first request/response group.
        int builds = s.Traffic.Any(t => t.Kind == "rr" && t.From.Kind != EndpointKind.External) ? 2 : 1;
        double resident = MemoryCosts.ResidentPerRetained * builds;
        double pods = s.Workloads.Where(w => !w.HostNetwork).Sum(w => (double)w.Replicas);
        var (servicePorts, endpoints) = ServiceSize(s);
        string mode = s.KubeProxy.Mode;
        var terms = new List<EstimateTerm>
        {
            new("runtime", MemoryCosts.Runtime),
            new($"{nodes:0} nodes", Bytes(resident * (nodes * MemoryCosts.PerNode + nodes * nodes * MemoryCosts.PerNodePair))),
            new($"{pods:0} pods", Bytes(resident * pods * MemoryCosts.PerPod)),
            new($"{mode} Service rules ({servicePorts:N0} ports × {nodes:0} nodes)", Bytes(resident * nodes * servicePorts * MemoryCosts.PerServicePerNode(mode))),
            new($"{mode} endpoint rules ({endpoints:N0} endpoints × {nodes:0} nodes)", Bytes(resident * nodes * endpoints * MemoryCosts.PerEndpointPerNode(mode))),
        };
        if (builds == 2) terms.Add(new("(the cluster twice: the latency-budget trace builds its own)", 0));
        foreach (var t in s.Traffic) terms.AddRange(OpenLoop(s, t));
        return new ResourceEstimate(terms.Where(t => t.Bytes > 0 || t.What.StartsWith('(')).ToList());
    }

    /// <summary>Service ports (not headless) and their endpoints: the pods each selector matches, once per port.</summary>
    private static (double Ports, double Endpoints) ServiceSize(Scenario s)
    {
        double ports = 0, endpoints = 0;
        var selection = new ServiceSelection(s.Workloads);
        foreach (var svc in s.Services)
        {
            if (svc.Type == ServiceSpec.Headless) continue;
            ports += svc.Ports.Count;
            endpoints += selection.Of(svc).Sum(w => (double)w.Replicas) * svc.Ports.Count;
        }
        return (ports, endpoints);
    }

    /// <summary>
    /// Open-loop traffic does not slow down when the path cannot keep up. A UDP sender above its NIC's rate: every
    /// excess datagram waits in the simulator (a UDP socket's send buffer does not block yet; when it does, this term
    /// goes). Poisson arrivals: each opens a connection whether or not the last ones were served; all are counted.
    /// </summary>
    private static IEnumerable<EstimateTerm> OpenLoop(Scenario s, TrafficSpec t)
    {
        double seconds = ((t.Duration is { } d && t.Start + d < s.Duration ? d : s.Duration - t.Start)).TotalSeconds;
        if (t.Kind == "bulk" && t.Protocol == "udp")
        {
            var nic = SenderNic(s, t.From);
            double excessBits = Math.Max(0, (double)t.RateBps * t.Streams - nic.RateBps) * seconds;
            if (t.Bytes > 0) excessBits = Math.Min(excessBits, t.Bytes * 8.0);
            double datagrams = excessBits / 8 / Math.Max(1, nic.Mtu - 28);
            if (datagrams >= 1)
                yield return new($"{t.Name}: {datagrams:N0} UDP datagrams above {nic.RateBps / 1e9:0.#} Gbit/s", Bytes(datagrams * MemoryCosts.PerPacketInFlight));
        }
        if (t.Kind == "poisson" && t.MeanInterarrival is { } mean)
        {
            double arrivals = seconds * 1e12 / mean.Picoseconds;
            if (t.Count > 0) arrivals = Math.Min(arrivals, t.Count);
            yield return new($"{t.Name}: {arrivals.ToString("N0", CultureInfo.InvariantCulture)} arrivals", Bytes(arrivals * MemoryCosts.PerArrival));
        }
    }

    private static NicSpec SenderNic(Scenario s, EndpointRef from) =>
        from.Kind == EndpointKind.Node && s.Cluster.Nodes.FirstOrDefault(n => n.Name == from.Name) is { } node ? node.Nic : s.Cluster.Nodes[0].Nic;

    /// <summary>Bytes as a long, saturating: an absurd scenario's estimate must not wrap around to a small one.</summary>
    private static long Bytes(double bytes) => bytes >= long.MaxValue / 4.0 ? long.MaxValue / 4 : (long)Math.Ceiling(Math.Max(0, bytes));
}
