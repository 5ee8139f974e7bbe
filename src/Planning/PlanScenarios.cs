using System.Globalization;
using System.Text;
using NetSim.Engine.Addressing;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Planning;

/// <summary>
/// A ready-to-run scenario per planned cluster: its nodes by role, the planned pod, Service and node CIDRs, the
/// per-node mask or block size (with the AWS VPC CNI: the instance type and prefix delegation, pods in the node
/// subnet), maxPods, the datapath, today's pods and Services, and one request/response probe
/// through a Service. Each is loaded and validated as <c>netsim validate</c> does, then written resolved by
/// <see cref="ScenarioWriter"/>.
/// </summary>
public static class PlanScenarios
{
    /// <summary>Simulated time of a written scenario: long enough for the probe's transactions, short enough to run in seconds.</summary>
    public const string Duration = "20ms";

    /// <summary>Pods behind the Services (the rest run without one).</summary>
    public const int BackendPods = 10;

    /// <summary>
    /// The scenario format's pod_cidr, which aws-vpc-cni does not use (pods take VPC addresses): the first of these
    /// clear of the cluster's node subnet and Service CIDR (at most two of three disjoint /16s can overlap them).
    /// </summary>
    private static readonly Ipv4Prefix[] UnusedPodCidrs =
        [Ipv4Prefix.Parse("10.244.0.0/16"), Ipv4Prefix.Parse("192.168.0.0/16"), Ipv4Prefix.Parse("172.16.0.0/16")];

    /// <summary>(file name, loaded scenario) per cluster; none when <see cref="Withheld"/> says why.</summary>
    public static IReadOnlyList<(string FileName, Scenario Scenario)> Build(AddressPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (Withheld(plan) is not null) return [];
        return plan.Clusters.Select(c => ($"{c.Demand.Name}.yaml", Load(plan, c))).ToList();
    }

    /// <summary>Why no scenario is written for the plan (its ENI limits are no instance type's), or null.</summary>
    public static string? Withheld(AddressPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var cni = plan.Requirements.Cni;
        return cni.Ipam == Requirements.CniRules.AwsVpc && cni.InstanceType.Length == 0 ? Requirements.AwsInstanceTypes.NoMatch(cni) : null;
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
            $"description: \"{string.Join(", ", d.Environments)} as planned by netsim plan: {d.Nodes} nodes, {d.Pods} pods, {d.Services} Services; {(c.PodCidr is { } pods ? $"pod CIDR {pods}" : "pods in the node subnet")}, Service CIDR {c.ServiceCidr}, nodes {c.NodeSubnet}.\"\n");
        y.Append(CultureInfo.InvariantCulture, $"duration: {Duration}\ncluster:\n  nodes:\n");
        for (int i = 1; i <= d.ControlPlane; i++) y.Append(CultureInfo.InvariantCulture, $"    - {{ name: cp{i}, role: control-plane }}\n");
        for (int i = 1; i <= d.Workers; i++) y.Append(CultureInfo.InvariantCulture, $"    - {{ name: worker{i} }}\n");
        // With the AWS VPC CNI the planned node subnet is the VPC subnet the pods share (cluster.node_cidr is the VPC).
        bool aws = r.Cni.Ipam == Requirements.CniRules.AwsVpc;
        var podCidr = c.PodCidr ?? UnusedPodCidrs.First(p => !p.Overlaps(c.NodeSubnet) && !p.Overlaps(c.ServiceCidr));
        y.Append(CultureInfo.InvariantCulture, $"  pod_cidr: {podCidr}\n  service_cidr: {c.ServiceCidr}\n  node_cidr: {c.NodeSubnet}\n");
        if (!aws) y.Append(CultureInfo.InvariantCulture, $"  node_mask: {c.Pods.PerNodeLength}\n");
        y.Append(CultureInfo.InvariantCulture, $"  max_pods: {r.MaxPods}\ncni:\n  datapath: {r.Cni.Datapath}\n");
        if (r.Cni.Ipam == Requirements.CniRules.Calico) y.Append(CultureInfo.InvariantCulture, $"  block_size: {r.Cni.BlockSize}\n");
        if (aws)
            y.Append(CultureInfo.InvariantCulture, $"  aws: {{ instance_type: {r.Cni.InstanceType}, prefix_delegation: {(r.Cni.PrefixDelegation ? "true" : "false")} }}\n");
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
