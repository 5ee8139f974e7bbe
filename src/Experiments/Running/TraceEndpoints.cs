
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Experiments.Running;

/// <summary>
/// The endpoints of "netsim trace": parsed as in a scenario's traffic, checked against the scenario's pods,
/// workloads, nodes and Services, and the port and protocol to use when the command line does not say.
/// </summary>
public static class TraceEndpoints
{
    public static EndpointRef Parse(string command, string option, string? text, Scenario scenario)
    {
        if (text is null) throw CommandInputError.Of(command, $"{option} is required (pod:NAME, workload:NAME, node:NAME, service:NAME[:PORT], nodeport:SERVICE[@NODE], external)");
        if (!EndpointRef.TryParse(text, out var e, out string error)) throw CommandInputError.Of(command, $"{option}: {error}");
        string? problem = Problem(scenario, e);
        return problem is null ? e : throw CommandInputError.Of(command, $"{option} {text}: {problem}");
    }

    private static string? Problem(Scenario s, EndpointRef e)
    {
        var pods = PodPlacement.Place(s.Cluster, s.Workloads);
        string Names(IEnumerable<string> names) => string.Join(", ", names.Take(8)) + (names.Skip(8).Any() ? ", ..." : "");
        return e.Kind switch
        {
            EndpointKind.Pod when !pods.Any(p => p.Name == e.Name || (p.Index == 0 && p.Workload == e.Name)) => $"no pod named {e.Name}; pods: {Names(pods.Select(p => p.Name))}",
            EndpointKind.Workload when !s.Workloads.Any(w => w.Name == e.Name) => $"no workload named {e.Name}; workloads: {Names(s.Workloads.Select(w => w.Name))}",
            EndpointKind.Node when !s.Cluster.Nodes.Any(n => n.Name == e.Name) => $"no node named {e.Name}; nodes: {Names(s.Cluster.Nodes.Select(n => n.Name))}",
            EndpointKind.Service when !s.Services.Any(v => v.Name == e.Name) => $"no Service named {e.Name}; Services: {Names(s.Services.Select(v => v.Name))}",
            EndpointKind.Service when e.Port != 0 && !s.Services.First(v => v.Name == e.Name).Ports.Any(p => p.Port == e.Port) => $"Service {e.Name} has no port {e.Port}",
            EndpointKind.NodePort when s.Services.FirstOrDefault(v => v.Name == e.Name) is not { HasNodePorts: true } => $"no NodePort or LoadBalancer Service named {e.Name}",
            EndpointKind.NodePort when e.Node is { } n && !s.Cluster.Nodes.Any(x => x.Name == n) => $"no node named {n}",
            EndpointKind.ExternalIp when s.Services.FirstOrDefault(v => v.Name == e.Name) is not { ExternalIps.Count: > 0 } => $"no Service named {e.Name} with external_ips",
            EndpointKind.LoadBalancer when LoadBalancerTarget.Problem(s, e) is { } problem => problem,
            EndpointKind.External when !Externals(s).Contains(e.Name) =>
                $"no external client named {e.Name}; the scenario's traffic has {(Externals(s).Count == 0 ? "none" : Names(Externals(s)))}",
            _ => null,
        };
    }

    /// <summary>The external clients the scenario's traffic names (the only ones its cluster builds).</summary>
    private static List<string> Externals(Scenario s) =>
        s.Traffic.SelectMany(t => new[] { t.From, t.To }).Where(e => e.Kind == EndpointKind.External).Select(e => e.Name).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>
    /// The destination port: the endpoint's own, else the Service's (node) port, else the workload's first container
    /// port, else (a pod or node with no ports declared) netperf's data port, where a scenario's TCP_RR would go; 0 if none.
    /// </summary>
    public static int DefaultPort(Scenario s, EndpointRef to)
    {
        if (to.Port != 0) return to.Port;
        var pods = PodPlacement.Place(s.Cluster, s.Workloads);
        return to.Kind switch
        {
            EndpointKind.Service or EndpointKind.ExternalIp or EndpointKind.LoadBalancer => s.Services.First(v => v.Name == to.Name).Ports[0].Port,
            EndpointKind.NodePort => s.Services.First(v => v.Name == to.Name).Ports[0].NodePort,
            EndpointKind.Pod => FirstPort(s.Workloads.First(w => w.Name == pods.First(p => p.Name == to.Name || (p.Index == 0 && p.Workload == to.Name)).Workload)),
            EndpointKind.Workload => FirstPort(s.Workloads.First(w => w.Name == to.Name)),
            EndpointKind.Node => NetSim.Topologies.Build.TrafficWiring.NetperfPort,
            // A name that leads to a Service (its first label, NAME[.NS[.svc...]]): that Service's first port.
            EndpointKind.Dns => s.Services.FirstOrDefault(v => v.Name == to.Name.Split('.')[0] && v.Ports.Count > 0)?.Ports[0].Port ?? 0,
            _ => 0,
        };
    }

    private static int FirstPort(WorkloadSpec w) => w.Ports.Count > 0 ? w.Ports[0].Port : NetSim.Topologies.Build.TrafficWiring.NetperfPort;

    /// <summary>UDP when the destination Service port is UDP, else TCP.</summary>
    public static string DefaultProtocol(Scenario s, EndpointRef to, int port) =>
        to.Kind is EndpointKind.Service or EndpointKind.NodePort or EndpointKind.ExternalIp or EndpointKind.LoadBalancer &&
        s.Services.First(v => v.Name == to.Name).Ports.FirstOrDefault(p => p.Port == port || p.NodePort == port)?.Protocol == "UDP" ? "udp" : "tcp";
}
