using System.Globalization;
using System.Text;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Planning;

/// <summary>
/// A ready-to-run scenario per planned cluster: its nodes by role, the planned pod, Service and node CIDRs, the
/// per-node mask or block size, maxPods, the datapath, today's pods and Services, and one request/response probe
/// through a Service. Each is loaded and validated as <c>netsim validate</c> does, then written resolved by
/// <see cref="ScenarioWriter"/>.
/// </summary>
public static class PlanScenarios
{
    /// <summary>Simulated time of a written scenario: long enough for the probe's transactions, short enough to run in seconds.</summary>
    public const string Duration = "20ms";

    /// <summary>Pods behind the Services (the rest run without one).</summary>
    public const int BackendPods = 10;

    /// <summary>(file name, loaded scenario) per cluster; none when NetSim has no datapath for the plan's CNI.</summary>
    public static IReadOnlyList<(string FileName, Scenario Scenario)> Build(AddressPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.Requirements.Cni.Datapath.Length == 0) return [];
        return plan.Clusters.Select(c => ($"{c.Demand.Name}.yaml", Load(plan, c))).ToList();
    }

    public static string Text(Scenario scenario) => ScenarioWriter.Write(scenario);

    private static Scenario Load(AddressPlan plan, ClusterPlan c)
    {
        string file = $"{c.Demand.Name}.yaml";
        return ScenarioLoader.Parse(Yaml(plan, c), file);
    }

    private static string Yaml(AddressPlan plan, ClusterPlan c)
    {
        var r = plan.Requirements;
        var d = c.Demand;
        var y = new StringBuilder();
        y.Append(CultureInfo.InvariantCulture, $"name: {r.Name}-{d.Name}\n");
        y.Append(CultureInfo.InvariantCulture,
            $"description: \"{string.Join(", ", d.Environments)} as planned by netsim plan: {d.Nodes} nodes, {d.Pods} pods, {d.Services} Services; pod CIDR {c.PodCidr}, Service CIDR {c.ServiceCidr}, nodes {c.NodeSubnet}.\"\n");
        y.Append(CultureInfo.InvariantCulture, $"duration: {Duration}\ncluster:\n  nodes:\n");
        for (int i = 1; i <= d.ControlPlane; i++) y.Append(CultureInfo.InvariantCulture, $"    - {{ name: cp{i}, role: control-plane }}\n");
        for (int i = 1; i <= d.Workers; i++) y.Append(CultureInfo.InvariantCulture, $"    - {{ name: worker{i} }}\n");
        y.Append(CultureInfo.InvariantCulture, $"  pod_cidr: {c.PodCidr}\n  service_cidr: {c.ServiceCidr}\n  node_cidr: {c.NodeSubnet}\n");
        y.Append(CultureInfo.InvariantCulture, $"  node_mask: {c.Pods.PerNodeLength}\n  max_pods: {r.MaxPods}\n");
        y.Append(CultureInfo.InvariantCulture, $"cni:\n  datapath: {r.Cni.Datapath}\n");
        if (r.Cni.Ipam == Requirements.CniRules.Calico) y.Append(CultureInfo.InvariantCulture, $"  block_size: {r.Cni.BlockSize}\n");
        // The Services select a small backend, as most do: each Service's endpoints cost kube-proxy rules on every node.
        int backend = Math.Min(d.Pods, BackendPods), rest = d.Pods - backend;
        if (d.Pods > 0)
        {
            y.Append(CultureInfo.InvariantCulture, $"workloads:\n  - {{ name: api, replicas: {backend}, ports: [{{ name: http, port: 8080 }}] }}\n");
            if (rest > 0) y.Append(CultureInfo.InvariantCulture, $"  - {{ name: app, replicas: {rest} }}\n");
        }
        if (d.Services > 0 && d.Pods > 0)
            y.Append(CultureInfo.InvariantCulture, $"services:\n  - {{ name: svc, count: {d.Services}, selector: {{ app: api }}, ports: [{{ port: 80, target_port: http }}] }}\n");
        string from = rest > 0 ? "pod:app-0" : "pod:api-0";
        string? to = d.Services > 0 && d.Pods > 0 ? (d.Services == 1 ? "service:svc:80" : "service:svc-0:80") : backend > 1 ? "pod:api-1" : null;
        if (to is not null)
            y.Append(CultureInfo.InvariantCulture, $"traffic:\n  - {{ name: probe, kind: rr, from: {from}, to: \"{to}\", request_size: 100, response_size: 100 }}\n");
        return y.ToString();
    }
}
