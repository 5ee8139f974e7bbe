using Spectre.Console;
using NetSim.Cli.CommandLine;
using NetSim.Cli.CommandLine.Settings;
using NetSim.Experiments;
using NetSim.Experiments.Resources;
using NetSim.Experiments.Running;
using NetSim.Topologies.Policy;
using Spectre.Console.Cli;

namespace NetSim.Cli.Commands;

/// <summary>netsim policy-matrix: parse, run <see cref="PolicyMatrix"/>, print the tables, compare with --expect.</summary>
public sealed class PolicyMatrixCommand : Command<PolicyMatrixSettings>
{
    private const string Name = PolicyMatrixSettings.Name;
    private readonly Invocation _invocation;

    public PolicyMatrixCommand(Invocation invocation) => _invocation = invocation;

    public override int Execute(CommandContext context, PolicyMatrixSettings a, CancellationToken cancellationToken)
    {
        var probes = new List<PolicyProbe>();
        foreach (string p in a.Port.Length == 0 ? ["80/TCP"] : a.Port)
            probes.Add(PolicyProbe.TryParse(p, out var probe, out string error) ? probe : throw CommandInputError.Of(Name, $"--port {error}"));
        var memory = MemoryLimit.Parse(Name, a.MaxMemory);
        var scenario = ScenarioInput.Load(Name, a.ScenarioFile, a.Set, a.SeedValue, a.Datapath, a.Manifests);
        var expected = a.Expect is null ? null
            : ReachabilityTable.Parse(Engine.Diagnostics.InputFile.ReadText(a.Expect, "expected table"), a.Expect);
        var profile = new ProfileCache().For(scenario);
        memory.Check(scenario);

        var result = PolicyMatrix.Run(scenario, profile, probes, a.Directions);
        var console = _invocation.Console;
        if (scenario.NetworkPolicies.Count > 0 && !result.Enforced)
            console.WriteLine($"warning: {result.Datapath} enforces no NetworkPolicy (no policy agent, or one NetSim does not model): its {scenario.NetworkPolicies.Count} policies are not enforced");
        int differences = 0;
        foreach (var (probe, table) in result.Tables)
        {
            console.WriteLine($"Probe {probe}:");
            console.Write(table.ToString());
            console.WriteLine();
            if (expected is null) continue;
            if (!expected.TryGetValue(probe.ToString(), out var want) && !expected.TryGetValue("", out want))
                throw CommandInputError.Of(Name, $"--expect {a.Expect} has no table for {probe} (and none for every probe)");
            foreach (string d in table.Differences(want))
            {
                console.WriteLine($"differs: {probe} {d}");
                differences++;
            }
        }
        foreach (var (probe, direction, table) in result.DirectionTables)
        {
            string key = $"{probe} {direction.ToString().ToLowerInvariant()}";
            console.WriteLine($"Probe {key}:");
            console.Write(table.ToString());
            console.WriteLine();
            if (expected is null || !expected.TryGetValue(key.ToUpperInvariant(), out var want)) continue;
            foreach (string d in table.Differences(want))
            {
                console.WriteLine($"differs: {key} {d}");
                differences++;
            }
        }
        if (expected is null) return ExitCodes.Ok;
        console.WriteLine(differences == 0 ? "as expected" : $"{differences} cells differ from {a.Expect}");
        return differences == 0 ? ExitCodes.Ok : ExitCodes.InvariantFailed;
    }
}
