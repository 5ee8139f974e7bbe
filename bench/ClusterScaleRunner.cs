using System.Diagnostics;
using System.Globalization;
using NetSim.Engine.Costs;
using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios;

namespace NetSim.Bench;

/// <summary>
/// `--cluster-scale`: issue 20's scale clusters one at a time, in a fresh process each so the peak working set is the
/// cluster's. `--cluster-scale build NODES SERVICES REPLICAS MODE` parses, builds and syncs once and prints the
/// phases' wall time, the process's CPU time (the machine is shared), the bytes allocated, the managed bytes retained and the peak working set; `--cluster-scale yaml NODES
/// SERVICES REPLICAS MODE [RR_GROUPS]` prints the scenario, for `netsim run`.
/// </summary>
internal static class ClusterScaleRunner
{
    public static void Run(string[] args)
    {
        int nodes = int.Parse(args[2], CultureInfo.InvariantCulture);
        int services = int.Parse(args[3], CultureInfo.InvariantCulture);
        int replicas = int.Parse(args[4], CultureInfo.InvariantCulture);
        string mode = args[5];
        if (args[1] == "yaml")
        {
            int rr = args.Length > 6 ? int.Parse(args[6], CultureInfo.InvariantCulture) : 0;
            Console.Write(ClusterScaleScenario.Yaml(nodes, services, replicas, mode, rr));
            return;
        }
        var profile = CostProfileLoader.Load(ClusterScaleBenchmarks.ProfilePath());
        long a0 = GC.GetTotalAllocatedBytes(true);
        var sw = Stopwatch.StartNew();
        var s = ScenarioLoader.Parse(ClusterScaleScenario.Yaml(nodes, services, replicas, mode), "cluster-scale.yaml");
        double parse = sw.Elapsed.TotalSeconds;
        var cluster = ClusterBuilder.Build(s, profile);
        double build = sw.Elapsed.TotalSeconds - parse;
        var wiring = new ServiceWiring(cluster);
        wiring.Program();
        double sync = sw.Elapsed.TotalSeconds - parse - build;
        long allocated = GC.GetTotalAllocatedBytes(true) - a0;
        long retained = GC.GetTotalMemory(true);
        using var self = Process.GetCurrentProcess();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {nodes:N0} | {cluster.Pods.Count:N0} | {services:N0} | {mode} ({ClusterScaleScenario.Datapath(mode)}) | {parse:0.0} | {build:0.0} | {sync:0.0} | " +
            $"**{sw.Elapsed.TotalSeconds:0.0}** | {self.TotalProcessorTime.TotalSeconds:0.0} | {allocated / 1073741824.0:0.00} | {retained / 1073741824.0:0.00} | **{self.PeakWorkingSet64 / 1073741824.0:0.00}** | {wiring.RuleCount / Math.Max(1, wiring.Proxies.Count):N0} |"));
        GC.KeepAlive(cluster);
    }
}
