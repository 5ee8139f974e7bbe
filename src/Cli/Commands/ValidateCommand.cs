using NetSim.Experiments.Resources;
using NetSim.Experiments.Running;
using NetSim.Cli.CommandLine;
using NetSim.Cli.CommandLine.Settings;
using NetSim.Experiments;
using NetSim.Topologies.Scenarios;
using Spectre.Console.Cli;

namespace NetSim.Cli.Commands;

/// <summary>netsim validate: loads and checks a scenario and its profile without running anything.</summary>
public sealed class ValidateCommand : Command<ValidateSettings>
{
    private readonly Invocation _invocation;

    public ValidateCommand(Invocation invocation) => _invocation = invocation;

    public override int Execute(CommandContext context, ValidateSettings a, CancellationToken cancellationToken)
    {
        var stdout = _invocation.Stdout;
        var memory = MemoryLimit.Parse(ValidateSettings.Name, a.MaxMemory);
        var s = ScenarioLoader.Load(a.ScenarioFile, a.Set, a.Manifests);
        var profile = new ProfileCache().For(s); // as a run loads it: the cluster's machine settings applied
        var estimate = memory.Check(s);
        stdout.WriteLine($"{a.Scenario}: ok — scenario '{s.Name}': {s.Cluster.Nodes.Count} nodes, datapath {s.Cni.Datapath}, kube-proxy {s.KubeProxy.Mode}, " +
                         $"{s.Workloads.Sum(w => w.Replicas)} pods in {s.Workloads.Count} workloads, {s.Services.Count} Services, " +
                         $"{s.Traffic.Count} traffic groups, {s.Duration} (warm-up {s.Warmup}), seed {s.Seed}, profile {profile.Name}; " +
                         $"a run needs about {ResourceEstimate.Size(estimate.Bytes)} of memory.");
        foreach (string note in s.ManifestNotes) stdout.WriteLine(note);
        if (s.CompareDatapaths.Count > 0) stdout.WriteLine($"compare: {string.Join(", ", s.CompareDatapaths)} against {s.Baseline}");
        return ExitCodes.Ok;
    }
}
