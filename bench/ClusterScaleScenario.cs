using System.Globalization;
using System.Text;

namespace NetSim.Bench;

/// <summary>
/// Issue 20's scale clusters as scenario text: N nodes, S ClusterIP Services each selecting its own Deployment of
/// R replicas (spread over the nodes, so S × R pods and endpoints), kube-proxy in the given mode, and optionally a
/// short TCP_RR from G client pods, each to its own Service (2G pods in the traffic). The kube-proxy modes run over
/// flannel-vxlan (no full BGP mesh, whose N² sessions would be the cluster's, not the Services', cost); eBPF over
/// cilium-ebpf, its kube-proxy replacement. Pod CIDR 10.128.0.0/9 with a /24 per node holds 1,000 nodes.
/// </summary>
internal static class ClusterScaleScenario
{
    public static string Datapath(string mode) => mode == "ebpf" ? "cilium-ebpf" : "flannel-vxlan";

    public static string Yaml(int nodes, int services, int replicas, string mode, int rrGroups = 0, string duration = "10ms")
    {
        var y = new StringBuilder();
        y.Append(CultureInfo.InvariantCulture, $$"""
            name: cluster-scale-{{nodes}}n-{{services}}s-{{mode}}
            seed: 1
            duration: {{duration}}
            cluster:
              nodes: { count: {{nodes}}, cores: 4 }
              node_cidr: 172.16.0.0/14
              pod_cidr: 10.128.0.0/9
              node_mask: 24
            cni: { datapath: {{Datapath(mode)}} }
            kube_proxy: { mode: {{mode}} }
            workloads:

            """);
        for (int g = 0; g < rrGroups; g++)
            y.Append(CultureInfo.InvariantCulture, $"  - {{ name: client-{g}, replicas: 1 }}\n");
        for (int i = 0; i < services; i++)
            y.Append(CultureInfo.InvariantCulture, $"  - {{ name: app-{i}, replicas: {replicas}, ports: [{{ name: http, port: 8080 }}] }}\n");
        y.Append("services:\n");
        for (int i = 0; i < services; i++)
            y.Append(CultureInfo.InvariantCulture, $"  - {{ name: svc-{i}, selector: {{ app: app-{i} }}, ports: [{{ port: 80, target_port: http }}] }}\n");
        if (rrGroups > 0)
        {
            y.Append("traffic:\n");
            for (int g = 0; g < rrGroups; g++)
                y.Append(CultureInfo.InvariantCulture, $"  - {{ name: rr-{g}, kind: rr, from: workload:client-{g}, to: \"service:svc-{g * (services / rrGroups)}:80\" }}\n");
        }
        return y.ToString();
    }
}
