using BenchmarkDotNet.Attributes;
using NetSim.Engine.Core;
using NetSim.Engine.Costs;
using NetSim.Engine.Packets;
using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios;
using NetSim.Traffic.Metrics;

namespace NetSim.Bench;

/// <summary>
/// kube-proxy iptables at 100, 1,000 and 5,000 Services: 20 simulated ms of TCP_CRR to the Service listed last
/// (scenarios/kube-proxy-scale.yaml), so every SYN scans KUBE-SERVICES to its end. The simulated first-packet
/// cost grows with the rule count (the connect latency the run reports); the wall time per simulated packet should
/// not, beyond the SYN's rule walk itself. The cluster is built outside the measured run.
/// </summary>
[MemoryDiagnoser]
public class FirstPacketScaleBenchmarks
{
    internal static readonly SimTime Simulated = SimTime.FromMilliseconds(20);
    private CostProfile _profile = null!;
    private Run? _run;

    [Params(100, 1000, 5000)]
    public int Services { get; set; }

    [GlobalSetup]
    public void Setup() => _profile = CostProfileLoader.Load(ClusterScaleBenchmarks.ProfilePath());

    [IterationSetup]
    public void Build() => _run = Run.Build(Services, _profile);

    /// <summary>The simulated 20 ms; returns the packets the run created.</summary>
    [Benchmark]
    public long Crr20ms()
    {
        _run!.Sim.RunUntil(Simulated);
        return _run.Pool.Rented;
    }

    /// <summary>A built kube-proxy-scale cluster with its TCP_CRR client started, not yet run.</summary>
    internal sealed record Run(Simulator Sim, PacketPool Pool, TrafficWiring Traffic, int Rules)
    {
        public static Run Build(int services, CostProfile profile)
        {
            string file = Path.Combine(ClusterScaleBenchmarks.Repo(), "scenarios", "kube-proxy-scale.yaml");
            var s = ScenarioLoader.Load(file, [$"services[0].count={services - 1}", "warmup=0s", $"duration={Simulated.Picoseconds / SimTime.PicosPerMillisecond}ms"]);
            var cluster = ClusterBuilder.Build(s, profile);
            var flows = new FlowTable();
            flows.Attach(cluster.Context.Pool);
            var wiring = new ServiceWiring(cluster);
            wiring.Program();
            var traffic = new TrafficWiring(cluster, flows) { ResolveService = wiring.Resolve };
            traffic.WireAll();
            return new Run(cluster.Context.Sim, cluster.Context.Pool, traffic, wiring.RuleCount / wiring.Proxies.Count);
        }
    }
}
