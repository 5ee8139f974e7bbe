using System.Globalization;
using NetSim.Engine.Diagnostics;
using NetSim.Experiments.Running;
using NetSim.Topologies.Cni;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Simulation;

namespace NetSim.Experiments.Advice;

/// <summary>
/// netsim advise's work: the hard constraints per datapath from the feature matrix, a scenario (derived from the
/// requirements or given), the candidates run with replications through the same runner compare uses, and the ranking.
/// </summary>
public static class Advisor
{
    public const int MaxReplications = 30;

    /// <summary>
    /// The plan: every scenario parsed and validated here, so bad input stops before the first run. A datapath NetSim
    /// cannot build on this scenario (its validator refuses it) is listed as not measured, with the validator's reason.
    /// </summary>
    public static AdvicePlan Plan(Requirements r, FeatureMatrix m, string? scenarioFile, IReadOnlyList<string> scenarioSets, int replications, bool includeFailing)
    {
        if (replications is < 1 or > MaxReplications) throw new InputException("netsim advise", 0, "", $"--replications: {replications} is outside 1..{MaxReplications}");
        Scenario scenario;
        string note;
        if (scenarioFile is null)
        {
            scenario = ScenarioLoader.Parse(AdviceScenario.Yaml(r), $"{r.Name}.advice.yaml");
            note = AdviceScenario.ScaleNote(r);
        }
        else
        {
            scenario = ScenarioLoader.Load(scenarioFile, scenarioSets);
            note = $"given scenario {scenarioFile} ({scenario.Cluster.Nodes.Count} nodes, {scenario.Duration} per run)";
        }

        var runs = new List<AdviceRun>();
        var notRun = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (string d in DatapathNames.All)
        {
            if (HardConstraints.Check(r, m, d).Count > 0 && !includeFailing)
            {
                notRun[d] = "fails a hard constraint (--include-failing measures it anyway)";
                continue;
            }
            try
            {
                for (int i = 0; i < replications; i++)
                    runs.Add(new AdviceRun(d, i, ForRun(scenario, scenarioFile, scenarioSets, d, scenario.Seed + (ulong)i)));
            }
            catch (InputException e)
            {
                runs.RemoveAll(x => x.Datapath == d);
                notRun[d] = $"NetSim cannot build it on this scenario: {e.Problem}";
            }
        }
        return new AdvicePlan(r, scenario, note, runs, notRun, replications);
    }

    private static Scenario ForRun(Scenario s, string? file, IReadOnlyList<string> sets, string datapath, ulong seed)
    {
        string seedSet = string.Create(CultureInfo.InvariantCulture, $"seed={seed}");
        return file is null
            ? ScenarioLoader.Parse(s.SourceText, s.File, [.. s.Overrides, $"cni.datapath={datapath}", seedSet])
            : ScenarioLoader.Load(file, [.. sets, seedSet], datapath);
    }

    /// <summary>Runs the plan, <paramref name="jobs"/> at a time; results in the plan's order.</summary>
    public static IReadOnlyList<RunResult> Run(AdvicePlan plan, IScenarioRunner runner, ProfileCache profiles, RunOptions options, int jobs, Action<string>? finished = null)
    {
        var results = new RunResult[plan.Runs.Count];
        Parallel.For(0, plan.Runs.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, jobs) }, i =>
        {
            var run = plan.Runs[i];
            results[i] = Runs.Run(runner, profiles, run.Scenario, run.Datapath, options);
            finished?.Invoke($"{run.Datapath} #{run.Replication + 1} ran in {results[i].WallSeconds:0.0} s");
        });
        return results;
    }
}
