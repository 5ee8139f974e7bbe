using System.Globalization;
using System.Text;
using NetSim.Engine.Costs;
using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios;

namespace NetSim.Bench;

/// <summary>
/// `--memory`: the managed memory a built cluster keeps (nodes, pods, kube-proxy rules), measured by building
/// clusters of two sizes per term and taking the difference per unit: the per-node, per-pod, per-Service-per-node
/// and per-endpoint-per-node bytes that NetSim.Experiments' ResourceEstimate uses (bench/RESULTS.md, "Memory").
/// </summary>
internal static class MemoryRunner
{
    public static void Run()
    {
        var profile = CostProfileLoader.Load(ClusterScaleBenchmarks.ProfilePath());
        Retained(profile, Scenario(2, 0, 0, 1, "host", "iptables")); // JIT and statics settle first
        Console.WriteLine("| term | datapath / mode | small | large | bytes per unit |");
        Console.WriteLine("|---|---|---:|---:|---:|");
        foreach (string datapath in DatapathNames.All)
        {
            // Nodes: 8, 32 and 128 nodes, no pods. Per-peer state (routes, neighbours, BGP sessions, tunnel FDB entries)
            // grows with the square of the node count: M(N) = a·N + b·N², solved from the two differences.
            long n8 = Retained(profile, Scenario(8, 0, 0, 1, datapath, "none"));
            long n32 = Retained(profile, Scenario(32, 0, 0, 1, datapath, "none"));
            long n128 = Retained(profile, Scenario(128, 0, 0, 1, datapath, "none"));
            double b = ((n128 - n32) - 4.0 * (n32 - n8)) / 11520.0;
            double a = ((n32 - n8) - 960 * b) / 24.0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| node | {datapath} | {n8 / 1048576.0:0.0} MiB (8) | {n32 / 1048576.0:0.0} MiB (32), {n128 / 1048576.0:0.0} MiB (128) | {a:0} per node + {b:0} per node² |"));
            // Pods: 400 more pods on 8 nodes.
            long p0 = Retained(profile, Scenario(8, 100, 0, 1, datapath, "none"));
            long p1 = Retained(profile, Scenario(8, 500, 0, 1, datapath, "none"));
            Row("pod", datapath, p0, p1, 400);
        }
        foreach (string mode in new[] { "iptables", "ipvs", "nftables", "ebpf" })
        {
            string datapath = mode == "ebpf" ? "cilium-ebpf" : "calico-bgp";
            // Services: 2,000 more one-endpoint Services, on each of 4 nodes.
            long s0 = Retained(profile, Scenario(4, 40, 500, 1, datapath, mode));
            long s1 = Retained(profile, Scenario(4, 40, 2500, 1, datapath, mode));
            Row("Service × node", mode, s0, s1, 2000 * 4);
            // Endpoints: the same 200 Services selecting 40 pods instead of 1 (200 × 39 more endpoints), on each of 4 nodes.
            long e0 = Retained(profile, Scenario(4, 40, 200, 1, datapath, mode));
            long e1 = Retained(profile, Scenario(4, 40, 200, 40, datapath, mode));
            Row("endpoint × node", mode, e0, e1, 200 * 39 * 4);
        }
    }

    /// <summary>
    /// `--memory shared`: with Service chains shared across nodes (iptables, nftables) a Service's cost has a part written
    /// once and a part every node keeps (its KUBE-SERVICES rule or map elements, the listing of the shared chains). Both are
    /// solved from clusters of 4 and 16 nodes with S and S + 2,000 Services (one endpoint each), and the endpoint terms
    /// likewise from 200 Services of 1 and 40 endpoints. IPVS and eBPF share their virtual services and LB maps the same way.
    /// `--memory shared MODE...` measures only the modes named.
    /// </summary>
    public static void RunShared(string[] modes)
    {
        string[] measured = modes.Length > 0 ? modes : ["iptables", "ipvs", "nftables", "ebpf"];
        var profile = CostProfileLoader.Load(ClusterScaleBenchmarks.ProfilePath());
        Retained(profile, Scenario(2, 0, 0, 1, "host", "iptables")); // JIT and statics settle first
        Console.WriteLine("| mode | term | once per unit (B) | per unit per node (B) |");
        Console.WriteLine("|---|---|---:|---:|");
        foreach (string mode in measured)
        {
            string datapath = mode == "ebpf" ? "cilium-ebpf" : "flannel-vxlan";
            long a0 = Retained(profile, Scenario(4, 40, 500, 1, datapath, mode)), a1 = Retained(profile, Scenario(4, 40, 2500, 1, datapath, mode));
            long b0 = Retained(profile, Scenario(16, 40, 500, 1, datapath, mode)), b1 = Retained(profile, Scenario(16, 40, 2500, 1, datapath, mode));
            Split(mode, "Service", a1 - a0, b1 - b0, 2000);
            long e0 = Retained(profile, Scenario(4, 40, 200, 1, datapath, mode)), e1 = Retained(profile, Scenario(4, 40, 200, 40, datapath, mode));
            long f0 = Retained(profile, Scenario(16, 40, 200, 1, datapath, mode)), f1 = Retained(profile, Scenario(16, 40, 200, 40, datapath, mode));
            Split(mode, "endpoint", e1 - e0, f1 - f0, 200 * 39);
        }
    }

    /// <summary>From the growth at 4 and at 16 nodes of <paramref name="units"/> more: d(N) = once + N × perNode.</summary>
    private static void Split(string mode, string term, long at4, long at16, int units)
    {
        double perNode = (at16 - at4) / (12.0 * units), once = at4 / (double)units - 4 * perNode;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {mode} | {term} | {once:0} | {perNode:0} |"));
    }

    private static void Row(string term, string what, long small, long large, long units) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {term} | {what} | {small / 1048576.0:0.0} MiB | {large / 1048576.0:0.0} MiB | {(large - small) / (double)units:0} |"));

    /// <summary>Managed bytes still reachable after building the cluster and syncing its Services (full collections before and after).</summary>
    private static long Retained(CostProfile profile, NetSim.Topologies.Scenarios.Model.Scenario s)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long before = GC.GetTotalMemory(true);
        var cluster = ClusterBuilder.Build(s, profile);
        var services = new ServiceWiring(cluster);
        services.Program();
        long after = GC.GetTotalMemory(true);
        GC.KeepAlive(cluster);
        GC.KeepAlive(services);
        return after - before;
    }

    /// <summary>N nodes, P pods in one Deployment (label app=web), S Services: Service i selects pods with "group: i % G"-style labels so each has E endpoints.</summary>
    private static NetSim.Topologies.Scenarios.Model.Scenario Scenario(int nodes, int pods, int services, int endpointsEach, string datapath, string mode)
    {
        var y = new StringBuilder();
        y.Append(CultureInfo.InvariantCulture, $$"""
            name: memory
            cluster:
              nodes: { count: {{nodes}}, cores: 4 }
              node_mask: 22
              pod_cidr: 10.0.0.0/12
              service_cidr: 10.96.0.0/12
              max_pods: 1000
            cni: { datapath: {{datapath}} }
            kube_proxy: { mode: {{mode}} }

            """);
        if (pods > 0 || services > 0)
        {
            y.Append("workloads:\n");
            int groups = services > 0 ? Math.Max(1, pods / endpointsEach) : 1;
            for (int g = 0; g < groups; g++)
                y.Append(CultureInfo.InvariantCulture, $"  - {{ name: w{g}, replicas: {(services > 0 ? endpointsEach : pods)}, labels: {{ group: g{g} }}, ports: [{{ name: http, port: 8080 }}] }}\n");
            if (services > 0)
            {
                y.Append("services:\n");
                for (int i = 0; i < services; i++)
                    y.Append(CultureInfo.InvariantCulture, $"  - {{ name: s{i}, selector: {{ group: g{i % groups} }}, ports: [{{ port: 80, target_port: http }}] }}\n");
            }
        }
        return ScenarioLoader.Parse(y.ToString(), "memory.yaml");
    }
}
