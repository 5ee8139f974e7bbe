using NetSim.Experiments.Resources;
using NetSim.Experiments.Running;
using NetSim.Cli.CommandLine;
using NetSim.Topologies.Scenarios;

namespace NetSim.Cli.Commands;

/// <summary>netsim validate: loads and checks a scenario and its profile without running anything.</summary>
public sealed class ValidateCommand : ICommand
{
    public string Name => "validate";
    public string Summary => "check a scenario file (and its cost profile) without running it";
    public string Help => """
        usage: netsim validate SCENARIO [--set PATH=VALUE ...] [--max-memory SIZE]

        Loads SCENARIO, fills in every default and checks it: fields and types, address plans, pod placement,
        Services, traffic endpoints; then loads its cost profile as a run would (with the machine's cluster
        settings) and estimates the memory a run needs. Prints a one-paragraph summary with the estimate, or the
        first problem as FILE:LINE: FIELD: PROBLEM with exit code 2: whatever validate accepts, run accepts.

        options:
          --set PATH=VALUE   override any scenario field by its path; repeatable
          --max-memory SIZE  refuse a scenario whose run is estimated to need more (default: 75 % of this machine's memory)

        examples:
          netsim validate scenarios/overlay-overhead.yaml
          netsim validate scenarios/kube-proxy-scale.yaml --set services[0].count=30000
        """;

    public int Execute(IReadOnlyList<string> args, TextWriter stdout)
    {
        var a = ParsedArgs.Parse(Name, args, ["--set", "--max-memory"], []);
        string file = a.SinglePositional(Name, "scenario file");
        var memory = MemoryLimit.Parse(Name, a.Value("--max-memory"));
        var s = ScenarioLoader.Load(file, a.Values("--set"));
        var profile = new ProfileCache().For(s); // as a run loads it: the cluster's machine settings applied
        var estimate = memory.Check(s);
        stdout.WriteLine($"{file}: ok — scenario '{s.Name}': {s.Cluster.Nodes.Count} nodes, datapath {s.Cni.Datapath}, kube-proxy {s.KubeProxy.Mode}, " +
                         $"{s.Workloads.Sum(w => w.Replicas)} pods in {s.Workloads.Count} workloads, {s.Services.Count} Services, " +
                         $"{s.Traffic.Count} traffic groups, {s.Duration} (warm-up {s.Warmup}), seed {s.Seed}, profile {profile.Name}; " +
                         $"a run needs about {ResourceEstimate.Size(estimate.Bytes)} of memory.");
        if (s.CompareDatapaths.Count > 0) stdout.WriteLine($"compare: {string.Join(", ", s.CompareDatapaths)} against {s.Baseline}");
        return ExitCodes.Ok;
    }
}
