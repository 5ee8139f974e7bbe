using NetSim.Cli.CommandLine;
using NetSim.Cli.Output;
using NetSim.Cli.Reports;
using NetSim.Experiments.Running;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Simulation;
using Spectre.Console;

namespace NetSim.Cli.Commands;

/// <summary>netsim run: one scenario over one datapath; a summary on screen, tidy CSV files, the resolved scenario and charts in --out.</summary>
public sealed class RunCommand : ICommand
{
    private readonly IScenarioRunner _runner;

    public RunCommand(IScenarioRunner runner) => _runner = runner;

    public string Name => "run";
    public string Summary => "run a scenario: throughput, latency, CPU and drops per traffic group";
    public string Help => """
        usage: netsim run SCENARIO [--datapath NAME] [--seed N] [--set PATH=VALUE ...] [--out DIR] [--pcap PATTERN] [--no-charts] [--exact-costs]

        Runs SCENARIO once and prints, per traffic group, the throughput, latency p50/p90/p99/p99.9, transactions/s,
        retransmissions and drops; drops by reason; CPU per node and its busiest elements; and one line on the
        simulator itself (simulated and wall time, events, events/s, peak memory).

        With --out, DIR appears only when the run completes (nothing is written on bad input):
          summary.csv latency.csv cdf.csv flows.csv hops.csv cpu.csv nodes.csv drops.csv budget.csv
                          tidy tables, one row per item, the unit in each header (p99_us, goodput_gbps)
          run.csv         SHA-256 of scenario.yaml, seed, version, event fingerprint, packet conservation, simulator speed
          scenario.yaml   the scenario as run with every default written out; 'netsim run DIR/scenario.yaml' repeats it
          charts/         latency CDF, CPU by element, latency budget (PNG and SVG)
          pcap/           captures of the interfaces matching --pcap
          command.txt     the command line
        Two runs with the same scenario and seed write identical files, except run.csv's wall_seconds,
        events_per_second and peak_memory_mib, which measure the machine.

        options:
          --datapath NAME   run over this datapath instead of the scenario's cni.datapath (its defaults follow it)
          --seed N          the seed every random stream derives from (default: the scenario's)
          --set PATH=VALUE  override any scenario field by its path; repeatable
          --out DIR         write the results to DIR (an earlier netsim output there is replaced)
          --pcap PATTERN    capture interfaces whose node/namespace/device matches the glob (needs --out)
          --no-charts       skip the charts
          --exact-costs     every CPU cost exactly its profile mean, no wakeup latency, fixed interrupt
                            moderation (the profile's variability ignored): deterministic latencies, for teaching

        exit codes: 0 ok; 1 the run failed an invariant (packet conservation) or stopped with an error; 2 bad input

        examples:
          netsim run scenarios/overlay-overhead.yaml
          netsim run scenarios/overlay-overhead.yaml --datapath cilium-ebpf --seed 7 --out results/cilium
          netsim run scenarios/kube-proxy-scale.yaml --set services[0].count=10000 --set kube_proxy.mode=ipvs
          netsim run scenarios/overlay-overhead.yaml --out results/capture --pcap 'node1/*/eth0'
        """;

    public int Execute(IReadOnlyList<string> args, TextWriter stdout)
    {
        var a = ParsedArgs.Parse(Name, args, ["--datapath", "--seed", "--set", "--out", "--pcap"], ["--no-charts", "--exact-costs"]);
        string file = a.SinglePositional(Name, "scenario file");
        ulong? seed = a.UnsignedValue(Name, "--seed");
        string? pcap = a.Value("--pcap");
        using var output = StagedDirectory.Open(a.Value("--out"), Name);
        if (pcap is not null && output is null) throw ParsedArgs.Bad(Name, "--pcap needs --out (the captures go to DIR/pcap)");
        var scenario = ScenarioInput.Load(Name, file, a.Values("--set"), seed, a.Value("--datapath"));
        var profiles = new ProfileCache();
        profiles.For(scenario); // a missing profile is bad input, found before the run
        var (yaml, sha) = ScenarioInput.Resolve(scenario);
        string datapath = scenario.Cni.Datapath;

        var console = Terminal.For(stdout);
        var options = new RunOptions(pcap, pcap is null ? null : output!.SubDirectory("pcap")) { ExactCosts = a.Flag("--exact-costs") };
        var result = WithProgress(console, $"{scenario.Name} over {datapath}", progress =>
            Runs.Run(_runner, profiles, scenario, datapath, options with { Progress = progress }));
        var tables = RunTables.From(result, datapath, sha, Program.Version);
        RunSummaryView.Write(console, tables);

        if (output is not null)
        {
            File.WriteAllText(output.FilePath("scenario.yaml"), yaml);
            ResultFiles.WriteTables(output.Path, [tables]);
            if (!a.Flag("--no-charts")) ResultFiles.WriteCharts(output.SubDirectory("charts"), scenario.Name, [tables]);
            output.Commit(CommandText.Of(Name, args));
            console.WriteLine($"results: {output.Target}");
        }
        return result.Holds ? ExitCodes.Ok : ExitCodes.InvariantFailed;
    }

    /// <summary>Runs <paramref name="run"/> under a live progress bar on a terminal; plainly elsewhere (logs, pipes).</summary>
    internal static T WithProgress<T>(IAnsiConsole console, string what, Func<Action<double>?, T> run)
    {
        if (!Terminal.IsLive(console)) return run(null);
        return console.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(what), maxValue: 1.0);
                var value = run(f => task.Value = Math.Clamp(f, 0, 1));
                task.Value = 1.0;
                return value;
            });
    }
}
