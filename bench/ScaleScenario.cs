using System.Globalization;
using System.Text;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Bench;

/// <summary>
/// The issue's scale cluster, written in code: N nodes, one Deployment of R replicas per Service (spread over the
/// nodes), and S ClusterIP Services each selecting its own Deployment (so S × R endpoints, as a real cluster of
/// small services has), kube-proxy in iptables mode. Optionally a TCP_CRR client on node1 to the last Service.
/// </summary>
internal static class ScaleScenario
{
    public static Scenario Build(int nodes, int services, int replicasPerService, string datapath = "calico-bgp", bool crr = false, string duration = "1s")
    {
        var y = new StringBuilder();
        y.Append(CultureInfo.InvariantCulture, $$"""
            name: scale-{{nodes}}n-{{services}}s
            seed: 1
            duration: {{duration}}
            cluster:
              nodes: { count: {{nodes}}, cores: 4 }
              node_cidr: 172.18.0.0/16
            cni: { datapath: {{datapath}} }
            kube_proxy: { mode: iptables }
            workloads:

            """);
        if (crr) y.Append("  - { name: client, placement: pinned, nodes: [node1] }\n");
        for (int i = 0; i < services; i++)
            y.Append(CultureInfo.InvariantCulture, $"  - {{ name: app-{i}, replicas: {replicasPerService}, ports: [{{ name: http, port: 8080 }}] }}\n");
        y.Append("services:\n");
        for (int i = 0; i < services; i++)
            y.Append(CultureInfo.InvariantCulture, $"  - {{ name: svc-{i}, selector: {{ app: app-{i} }}, ports: [{{ port: 80, target_port: http }}] }}\n");
        if (crr) y.Append(CultureInfo.InvariantCulture, $"traffic:\n  - {{ name: connect, kind: crr, from: pod:client, to: \"service:svc-{services - 1}:80\" }}\n");
        return ScenarioLoader.Parse(y.ToString(), "scale.yaml");
    }
}
