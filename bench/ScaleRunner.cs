using System.Diagnostics;
using System.Globalization;
using NetSim.Engine.Costs;
using NetSim.Topologies.Build;

namespace NetSim.Bench;

/// <summary>
/// `--scale`: builds the 100-node, 3,000-pod, 1,000-Service iptables cluster once per phase and prints the wall
/// time and bytes allocated by each phase (parse, build, kube-proxy sync), for profiling outside BenchmarkDotNet.
/// </summary>
internal static class ScaleRunner
{
    public static void Run(string? part = null)
    {
        if (part != "first-packet") BuildOnce();
        if (part != "build") FirstPacket();
    }

    /// <summary>
    /// The first-packet table: per Service count, the simulated connect latency (SYN to established: the SYN walks
    /// the rules) and the thread CPU time of the 20 simulated ms per simulated packet (median of five runs; CPU time, not wall
    /// time, because other work shares the cores).
    /// </summary>
    private static void FirstPacket()
    {
        var profile = CostProfileLoader.Load(ClusterScaleBenchmarks.ProfilePath());
        Console.WriteLine("| Services | iptables rules per node | connections | connect p50 µs (simulated) | packets | events | CPU ms (thread, median of 5) | CPU ns per packet |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        int[] counts = [100, 1000, 5000];
        foreach (int services in counts) FirstPacketScaleBenchmarks.Run.Build(services, profile).Sim.RunUntil(FirstPacketScaleBenchmarks.Simulated); // JIT tiering settles first
        foreach (int services in counts)
        {
            var walls = new List<double>();
            FirstPacketScaleBenchmarks.Run? last = null;
            for (int i = 0; i < 5; i++)
            {
                var run = FirstPacketScaleBenchmarks.Run.Build(services, profile);
                GC.Collect(); // the build's garbage is not the run's
                GC.WaitForPendingFinalizers();
                long t0 = ThreadCpuClock.NowNanoseconds();
                run.Sim.RunUntil(FirstPacketScaleBenchmarks.Simulated);
                walls.Add((ThreadCpuClock.NowNanoseconds() - t0) / 1e6);
                last = run;
            }
            walls.Sort();
            var app = last!.Traffic.Apps[0].Snapshot(last.Sim.NowPicoseconds);
            double wall = walls[walls.Count / 2];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {services:N0} | {last.Rules:N0} | {app.ConnectionsOpened:N0} | {app.ConnectLatency.P50Ps / 1e6:0.00} | {last.Pool.Rented:N0} | {last.Sim.EventsProcessed:N0} | {wall:0.0} | {wall * 1e6 / last.Pool.Rented:0} |"));
        }
    }

    private static void BuildOnce()
    {
        var profile = CostProfileLoader.Load(ClusterScaleBenchmarks.ProfilePath());
        for (int round = 0; round < 2; round++)
        {
            long a0 = GC.GetTotalAllocatedBytes(true);
            var sw = Stopwatch.StartNew();
            var s = ScaleScenario.Build(100, 1000, 3);
            double parse = sw.Elapsed.TotalSeconds;
            long a1 = GC.GetTotalAllocatedBytes(true);
            var cluster = ClusterBuilder.Build(s, profile);
            double build = sw.Elapsed.TotalSeconds - parse;
            long a2 = GC.GetTotalAllocatedBytes(true);
            var services = new ServiceWiring(cluster);
            services.Program();
            double sync = sw.Elapsed.TotalSeconds - parse - build;
            long a3 = GC.GetTotalAllocatedBytes(true);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round}: parse+validate {parse:0.000} s ({(a1 - a0) / 1048576.0:0} MiB), build {build:0.000} s ({(a2 - a1) / 1048576.0:0} MiB), " +
                $"kube-proxy sync {sync:0.000} s ({(a3 - a2) / 1048576.0:0} MiB, {services.RuleCount / services.Proxies.Count} rules per node), " +
                $"total {sw.Elapsed.TotalSeconds:0.000} s, {(a3 - a0) / 1048576.0:0} MiB allocated, {cluster.Pods.Count} pods, working set {Process.GetCurrentProcess().WorkingSet64 / 1048576.0:0} MiB"));
        }
    }
}
