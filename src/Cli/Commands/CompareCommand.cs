using NetSim.Cli.CommandLine;
using NetSim.Cli.Output;
using NetSim.Cli.Reports;
using NetSim.Experiments.Running;
using NetSim.Reporting.Csv;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Simulation;
using Spectre.Console;

namespace NetSim.Cli.Commands;

/// <summary>
/// netsim compare: the same scenario and traffic over several datapaths, each metric absolute and as its overhead
/// against a baseline ("+85% RTT, -48% throughput, +66% CPU per Gbit/s").
/// </summary>
public sealed class CompareCommand : ICommand
{
    private readonly IScenarioRunner _runner;

    public CompareCommand(IScenarioRunner runner) => _runner = runner;

    public string Name => "compare";
    public string Summary => "run one scenario over several datapaths and report each one's overhead against a baseline";
    public string Help => $"""
        usage: netsim compare SCENARIO [--datapaths A,B,...] [--baseline NAME] [--seed N] [--set PATH=VALUE ...] [--out DIR] [--jobs N] [--no-charts] [--exact-costs]

        Runs SCENARIO once per datapath with the same traffic and seed, and reports every metric (throughput,
        latency percentiles, transactions/s, connection setup, retransmissions, drops, CPU per Gbit/s, busy cores)
        as a value and as its change against the baseline, then one headline per datapath, e.g.
          flannel-vxlan vs host: +85% RTT, -48% throughput, +66% CPU per Gbit/s
        The datapaths are --datapaths, else the scenario's 'compare' list; the baseline is --baseline, else the
        scenario's 'baseline' (default host), and is run too if the list lacks it. Each datapath gets its own
        defaults (pod CIDR, MTU, kube-proxy replacement), as if the scenario said cni.datapath: NAME.

        With --out, DIR appears only when every run completes:
          compare.csv            group, metric, unit, datapath, baseline, value, baseline_value, relative_change
          summary.csv latency.csv cdf.csv flows.csv hops.csv cpu.csv nodes.csv drops.csv budget.csv run.csv
                                 as for 'netsim run', one set of rows per datapath
          scenario.DATAPATH.yaml each datapath's scenario as run ('netsim run' on it repeats that run)
          charts/                overhead bars per metric, latency CDF per group across datapaths, the latency
                                 budget stacked by element kind, CPU by element per datapath

        options:
          --datapaths A,B,...  datapaths to compare; known: {string.Join(", ", NetSim.Topologies.Scenarios.DatapathNames.All)}
          --baseline NAME      the datapath overheads are measured against (default: the scenario's, else host)
          --seed N             the seed of every run (default: the scenario's)
          --set PATH=VALUE     override any scenario field by its path; repeatable
          --out DIR            write the results to DIR (an earlier netsim output there is replaced)
          --jobs N             datapaths run in parallel (default: the number of cores, {Environment.ProcessorCount} here)
          --no-charts          skip the charts
          --exact-costs        every CPU cost exactly its profile mean, no wakeup latency, fixed interrupt
                               moderation (the profile's variability ignored)

        exit codes: 0 ok; 1 a run failed an invariant (packet conservation) or stopped with an error; 2 bad input

        examples:
          netsim compare scenarios/overlay-overhead.yaml
          netsim compare scenarios/overlay-overhead.yaml --datapaths host,flannel-vxlan,flannel-host-gw,calico-bgp,calico-ipip,cilium-ebpf --out results/overlays
          netsim compare scenarios/overlay-overhead.yaml --datapaths flannel-vxlan,cilium-vxlan,cilium-geneve --baseline flannel-vxlan
          netsim compare scenarios/overlay-overhead.yaml --set cluster.nic.mtu=9000 --seed 3
        """;

    public int Execute(IReadOnlyList<string> args, TextWriter stdout)
    {
        var a = ParsedArgs.Parse(Name, args, ["--datapaths", "--baseline", "--seed", "--set", "--out", "--jobs"], ["--no-charts", "--exact-costs"]);
        string file = a.SinglePositional(Name, "scenario file");
        ulong? seed = a.UnsignedValue(Name, "--seed");
        int jobs = a.IntValue(Name, "--jobs", 1, 1024) ?? Environment.ProcessorCount;
        using var output = StagedDirectory.Open(a.Value("--out"), Name);
        var sets = a.Values("--set");
        var scenario = ScenarioInput.Load(Name, file, sets, seed);
        var (datapaths, baseline) = Datapaths(a, scenario);
        var scenarios = datapaths.Select(d => ScenarioInput.Load(Name, file, sets, seed, d)).ToList();
        var profiles = new ProfileCache();
        foreach (var s in scenarios) profiles.For(s);

        var console = Terminal.For(stdout);
        var results = new RunResult[scenarios.Count];
        Parallel.For(0, scenarios.Count, new ParallelOptions { MaxDegreeOfParallelism = jobs }, i =>
        {
            results[i] = Runs.Run(_runner, profiles, scenarios[i], datapaths[i], RunOptions.Default with { ExactCosts = a.Flag("--exact-costs") });
            lock (console) console.WriteLine($"ran {datapaths[i]} ({Fmt.Seconds(results[i].WallSeconds)} s)");
        });
        var resolved = scenarios.Select(ScenarioInput.Resolve).ToList();
        var tables = results.Select((r, i) => RunTables.From(r, datapaths[i], resolved[i].Sha256, Program.Version)).ToList();
        var rows = Comparison.Rows(tables, baseline);
        ComparisonView.Write(console, scenario.Name, tables, baseline, rows);

        if (output is not null)
        {
            for (int i = 0; i < datapaths.Count; i++) File.WriteAllText(output.FilePath($"scenario.{datapaths[i]}.yaml"), resolved[i].Yaml);
            ResultFiles.WriteTables(output.Path, tables);
            CsvTable.Write(output.FilePath("compare.csv"), rows);
            if (!a.Flag("--no-charts"))
            {
                string charts = output.SubDirectory("charts");
                ResultFiles.WriteCharts(charts, scenario.Name, tables);
                ResultFiles.WriteComparisonCharts(charts, scenario.Name, rows, baseline);
            }
            output.Commit(CommandText.Of(Name, args));
            console.WriteLine($"results: {output.Target}");
        }
        return results.All(r => r.Holds) ? ExitCodes.Ok : ExitCodes.InvariantFailed;
    }

    /// <summary>The datapaths to run (the baseline first when the list lacks it) and the baseline.</summary>
    private (List<string> Datapaths, string Baseline) Datapaths(ParsedArgs a, Scenario scenario)
    {
        var list = a.ListValue("--datapaths").ToList();
        string from = "--datapaths";
        if (list.Count == 0) (list, from) = (scenario.CompareDatapaths.ToList(), "the scenario's compare list");
        if (list.Count == 0) throw ParsedArgs.Bad(Name, "no datapaths to compare: pass --datapaths A,B,... or give the scenario a 'compare' list");
        foreach (string d in list) ScenarioInput.CheckDatapath(Name, from, d);
        if (list.GroupBy(d => d, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } dup)
            throw ParsedArgs.Bad(Name, $"{from} names {dup.Key} twice");
        string baseline = a.Value("--baseline") ?? scenario.Baseline;
        ScenarioInput.CheckDatapath(Name, "--baseline", baseline);
        if (!list.Contains(baseline, StringComparer.Ordinal)) list.Insert(0, baseline);
        if (list.Count < 2) throw ParsedArgs.Bad(Name, $"only the baseline {baseline} to run; name at least one other datapath");
        return (list, baseline);
    }
}
