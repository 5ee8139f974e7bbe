using NetSim.Cli.CommandLine;
using NetSim.Experiments;
using NetSim.Testbed;
using NetSim.Topologies.Simulation;

namespace NetSim.Cli.Commands;

/// <summary>
/// netsim testbed: calibrates NetSim to this machine's kernel in one command. The work is in NetSim.Testbed; this
/// parses the options and prints.
/// </summary>
public sealed class TestbedCommand : ICommand
{
    private readonly IScenarioRunner _runner;

    public TestbedCommand(IScenarioRunner runner) => _runner = runner;

    public string Name => "testbed";
    public string Summary => "measure this machine's kernel in network namespaces, fit a local profile, report how well it predicts";
    public string Help => $"""
        usage: netsim testbed [--out DIR] [--quick] [--keep-going] [--profile BASE] [--fit KEYS] [--iterations N] [--repetitions N] [--jobs N]

        Linux, as root. Builds two "nodes" and their pods as network namespaces of this machine (named {TestbedNames.Prefix}*,
        addresses from 198.18.0.0/15 only), wires host networking (node to node over a veth pair), a same-node bridge,
        cross-node host-gw routing and cross-node VXLAN, and measures with every process pinned to CPU 0: TCP streams
        (iperf3, 1 and 4 streams, MTU 1500 and 9000), TCP_RR (sockperf ping-pong, 32 B) and connection setup against
        0 to 10,000 kube-proxy-style iptables rules (legacy and nft backends where present). Writes DIR/measurements.csv
        in calibrate's format with the NetSim scenarios that model the same topology, fits a local profile to the
        host and bridge single-stream and TCP_RR rows (DIR/local-profile.yaml), and prints how well its simulation
        predicts the other rows (DIR/prediction.md). Everything it creates is removed on exit, on error and on Ctrl+C;
        namespaces an earlier killed run left behind are removed first. A missing kernel feature or tool skips only
        the rows that need it, with a message. More: docs/testbed.md.

        options:
          --out DIR          where the files go (default ./testbed)
          --quick            a short run (about half a minute: fewer rows, one repetition, 2 fit iterations): CI's smoke
          --keep-going       record a failed measurement and go on with the others
          --profile BASE     the profile the fit starts from (default: default)
          --fit KEYS         the numbers the fit moves (default {TestbedOptions.DefaultFitKeys})
          --iterations N     fit iterations (default 6, quick 2)
          --repetitions N    repetitions per measurement, the median counts (default 3, quick 1)
          --jobs N           simulations in parallel during the fit (default: the number of cores)

        exit codes: 0 ok (prediction errors are reported, not judged); 1 the testbed cannot run here or a measurement failed; 2 bad input

        examples:
          sudo netsim testbed --out my-machine
          sudo netsim testbed --quick --out /tmp/tb
        """;

    public int Execute(IReadOnlyList<string> args, TextWriter stdout)
    {
        var a = ParsedArgs.Parse(Name, args, ["--out", "--profile", "--fit", "--iterations", "--repetitions", "--jobs"], ["--quick", "--keep-going"]);
        if (a.Positionals.Count > 0) throw ParsedArgs.Bad(Name, $"unexpected argument '{a.Positionals[0]}'");
        var options = new TestbedOptions
        {
            OutDir = a.Value("--out") ?? "testbed",
            Quick = a.Flag("--quick"),
            KeepGoing = a.Flag("--keep-going"),
            BaseProfile = ProfileLocator.Resolve(a.Value("--profile") ?? "default", null),
            FitKeys = a.Value("--fit") ?? TestbedOptions.DefaultFitKeys,
            Iterations = a.IntValue(Name, "--iterations", 1, 1000),
            Repetitions = a.IntValue(Name, "--repetitions", 1, 100),
            Jobs = a.IntValue(Name, "--jobs", 1, 1024) ?? Environment.ProcessorCount,
        };
        // The fit keys are checked before anything is built on the machine.
        NetSim.Experiments.Calibration.FitParameter.ParseList(Name, options.FitKeys, NetSim.Engine.Costs.CostProfileLoader.Load(options.BaseProfile));
        void Log(string line) => stdout.WriteLine(line);
        var run = new TestbedRun(options, Log);
        var measured = run.Measure();
        if (measured is null) return ExitCodes.InvariantFailed;
        var prediction = TestbedFit.Run(_runner, measured, options, CommandText.Of(Name, args), Log);
        stdout.Write(prediction.Markdown());
        stdout.WriteLine($"wrote {measured.CsvPath}, {prediction.ProfilePath}, {Path.Combine(options.OutDir, "prediction.md")}");
        if (measured.Failures.Count > 0)
        {
            foreach (string f in measured.Failures) stdout.WriteLine($"failed: {f}");
            return ExitCodes.InvariantFailed;
        }
        return ExitCodes.Ok;
    }
}
