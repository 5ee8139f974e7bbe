using NetSim.Experiments;
using NetSim.Cli.CommandLine;
using NetSim.Topologies.Scenarios;

namespace NetSim.Cli.Commands;

/// <summary>netsim validate: loads and checks a scenario and its profile without running anything.</summary>
public sealed class ValidateCommand : ICommand
{
    public string Name => "validate";
    public string Summary => "check a scenario file (and its cost profile) without running it";
    public string Help => """
        usage: netsim validate SCENARIO [--set PATH=VALUE ...]

        Loads SCENARIO, fills in every default and checks it: fields and types, address plans, pod placement,
        Services, traffic endpoints; then loads its cost profile. Prints a one-paragraph summary, or the first
        problem as FILE:LINE: FIELD: PROBLEM with exit code 2.

        examples:
          netsim validate scenarios/overlay-overhead.yaml
          netsim validate scenarios/kube-proxy-scale.yaml --set services[0].count=30000
        """;

    public int Execute(IReadOnlyList<string> args, TextWriter stdout)
    {
        var a = ParsedArgs.Parse(Name, args, ["--set"], []);
        string file = a.SinglePositional(Name, "scenario file");
        var s = ScenarioLoader.Load(file, a.Values("--set"));
        var profile = ProfileLocator.Load(s.Profile, file);
        stdout.WriteLine($"{file}: ok — scenario '{s.Name}': {s.Cluster.Nodes.Count} nodes, datapath {s.Cni.Datapath}, kube-proxy {s.KubeProxy.Mode}, " +
                         $"{s.Workloads.Sum(w => w.Replicas)} pods in {s.Workloads.Count} workloads, {s.Services.Count} Services, " +
                         $"{s.Traffic.Count} traffic groups, {s.Duration} (warm-up {s.Warmup}), seed {s.Seed}, profile {profile.Name}.");
        if (s.CompareDatapaths.Count > 0) stdout.WriteLine($"compare: {string.Join(", ", s.CompareDatapaths)} against {s.Baseline}");
        return ExitCodes.Ok;
    }
}
