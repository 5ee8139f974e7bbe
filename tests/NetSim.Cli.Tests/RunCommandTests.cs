using System.Security.Cryptography;
using NetSim.Reporting.Csv;
using NetSim.Reporting.Records;
using NetSim.Topologies.Scenarios;

namespace NetSim.Cli.Tests;

public sealed class RunCommandTests : IDisposable
{
    private readonly CliHarness _h = new();

    public void Dispose() => _h.Dispose();

    private static string Header(string file) => File.ReadLines(file).First();

    [Fact]
    public void Run_writes_tidy_csv_files_with_units_in_their_headers()
    {
        string out1 = _h.Out("out");
        var (code, stdout, stderr) = CliHarness.Run(new FormulaRunner(), "run", _h.ScenarioFile, "--out", out1, "--no-charts");
        Assert.True(code == 0, stderr);
        Assert.Equal("datapath,group,kind,goodput_gbps,p50_us,p90_us,p99_us,p999_us,transactions_per_second,retransmissions,drops,cpu_us_per_gbit,dns_p50_us,dns_p99_us,dns_timeouts,longest_gap_us,timeouts,connect_failures,max_latency_us,unanswered_connections", Header(Path.Combine(out1, "summary.csv")));
        Assert.Equal("datapath,group,flow_id,source,destination,protocol,bytes_delivered,packets_sent,goodput_gbps,wire_gbps,retransmissions,timeouts,start_us,end_us,longest_gap_us,dropped_packets", Header(Path.Combine(out1, "flows.csv")));
        Assert.Equal("datapath,group,metric,count,mean_us,min_us,p50_us,p90_us,p99_us,p999_us,max_us", Header(Path.Combine(out1, "latency.csv")));
        Assert.Equal("datapath,node,element,kind,packets,cpu_ns_per_packet,queue_ns_per_packet", Header(Path.Combine(out1, "hops.csv")));
        Assert.Equal("datapath,node,element,cpu_us,share_of_node,cpu_us_per_gbit", Header(Path.Combine(out1, "cpu.csv")));
        Assert.Equal("datapath,reason,packets", Header(Path.Combine(out1, "drops.csv")));
        Assert.Equal("datapath,node,cores,busy_cores,max_core_utilisation", Header(Path.Combine(out1, "nodes.csv")));
        Assert.Equal("datapath,segment,us_per_transaction", Header(Path.Combine(out1, "budget.csv")));
        Assert.Equal("datapath,group,latency_us,fraction", Header(Path.Combine(out1, "cdf.csv")));
        Assert.Equal("scenario,scenario_sha256,datapath,seed,version,simulated_seconds,wall_seconds,events,events_per_second,peak_memory_mib,fingerprint,conservation",
            Header(Path.Combine(out1, "run.csv")));
        Assert.False(Directory.Exists(Path.Combine(out1, "charts")));
        Assert.Contains("netsim run", File.ReadAllText(Path.Combine(out1, "command.txt")), StringComparison.Ordinal);

        // The numbers are the runner's, converted to the units the headers name: ps → µs, bit/s → Gbit/s.
        var s = ScenarioLoader.Load(_h.ScenarioFile);
        var rr = CsvTable.Read<GroupSummary>(Path.Combine(out1, "summary.csv")).Single(g => g.Group == "rr");
        Assert.Equal(FormulaRunner.P50Us(s, "host"), rr.P50Us!.Value, 5);
        var stream = CsvTable.Read<GroupSummary>(Path.Combine(out1, "summary.csv")).Single(g => g.Group == "stream");
        Assert.Equal(FormulaRunner.GoodputBps(s, "host") / 1e9, stream.GoodputGbps, 5);
        Assert.Equal(FormulaRunner.CpuUsPerGbit(s, "host"), stream.CpuUsPerGbit!.Value, 3);
        // A stream has no transactions: its latency cells are empty in summary.csv, as the terminal shows "—".
        Assert.Null(stream.P50Us);
        Assert.Contains("stream,bulk,", File.ReadAllText(Path.Combine(out1, "summary.csv")), StringComparison.Ordinal);
        Assert.Matches(@"host,stream,bulk,[0-9.]+,,,,,,", File.ReadAllText(Path.Combine(out1, "summary.csv")));
        Assert.Equal([new DropRow("host", "QueueFull", 3)], CsvTable.Read<DropRow>(Path.Combine(out1, "drops.csv")));

        foreach (string words in new[] { "traffic", "stream", "service:web-0:80", "CPU per node", "simulator:", "events", "peak memory", "packet conservation", "holds", "results:" })
            Assert.Contains(words, stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(stdout, c => c is '\u2060' or '\u200b' or '\u200c' or '\u200d' or '\ufeff'); // nothing invisible: pasted names work
    }

    [Fact]
    public void The_resolved_scenario_reproduces_the_run_and_its_hash_is_in_run_csv()
    {
        string out1 = _h.Out("out");
        Assert.Equal(0, CliHarness.Run(new FormulaRunner(), "run", _h.ScenarioFile, "--out", out1, "--no-charts", "--seed", "11", "--set", "duration=50ms").Code);
        string yaml = Path.Combine(out1, "scenario.yaml");
        var info = CsvTable.Read<RunInfo>(Path.Combine(out1, "run.csv")).Single();
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(yaml))), info.ScenarioSha256);
        Assert.Equal(11UL, info.Seed);
        Assert.Contains("holds", info.Conservation, StringComparison.Ordinal);

        var resolved = ScenarioLoader.Load(yaml);
        Assert.Equal(11UL, resolved.Seed);
        Assert.Equal("50ms", resolved.Duration.ToString());
        Assert.Equal(File.ReadAllText(yaml), ScenarioWriter.Write(resolved));

        // Running the resolved scenario gives the same results.
        string out2 = _h.Out("again");
        Assert.Equal(0, CliHarness.Run(new FormulaRunner(), "run", yaml, "--out", out2, "--no-charts").Code);
        Assert.Equal(File.ReadAllBytes(Path.Combine(out1, "summary.csv")), File.ReadAllBytes(Path.Combine(out2, "summary.csv")));
    }

    [Fact]
    public void Two_runs_with_the_same_seed_write_byte_identical_csv_files()
    {
        // The runner reports a different wall time on every call, as a real machine would.
        var runner = new FormulaRunner();
        string a = _h.Out("a"), b = _h.Out("b"), c = _h.Out("c");
        Assert.Equal(0, CliHarness.Run(runner, "run", _h.ScenarioFile, "--out", a, "--no-charts").Code);
        Assert.Equal(0, CliHarness.Run(runner, "run", _h.ScenarioFile, "--out", b, "--no-charts").Code);
        Assert.Equal(0, CliHarness.Run(runner, "run", _h.ScenarioFile, "--out", c, "--no-charts", "--seed", "8").Code);
        var files = Directory.GetFiles(a, "*.csv").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(12, files.Count);
        foreach (string f in files.Where(f => f != "run.csv"))
            Assert.True(File.ReadAllBytes(Path.Combine(a, f)).SequenceEqual(File.ReadAllBytes(Path.Combine(b, f))), $"{f} differs between two runs with one seed");
        Assert.Equal(File.ReadAllBytes(Path.Combine(a, "scenario.yaml")), File.ReadAllBytes(Path.Combine(b, "scenario.yaml")));
        // run.csv too, but for the columns that measure the machine rather than the simulation.
        static RunInfo Reproducible(string dir) => CsvTable.Read<RunInfo>(Path.Combine(dir, "run.csv")).Single() with { WallSeconds = 0, EventsPerSecond = 0, PeakMemoryMiB = 0 };
        Assert.Equal(Reproducible(a), Reproducible(b));
        Assert.NotEqual(File.ReadAllText(Path.Combine(a, "run.csv")), File.ReadAllText(Path.Combine(b, "run.csv")));
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(a, "summary.csv")), File.ReadAllBytes(Path.Combine(c, "summary.csv"))); // another seed, other numbers
    }

    [Fact]
    public void Datapath_option_runs_over_that_datapath_with_its_own_defaults()
    {
        string out1 = _h.Out("out");
        Assert.Equal(0, CliHarness.Run(new FormulaRunner(), "run", _h.ScenarioFile, "--datapath", "calico-ipip", "--out", out1, "--no-charts").Code);
        var resolved = ScenarioLoader.Load(Path.Combine(out1, "scenario.yaml"));
        Assert.Equal("calico-ipip", resolved.Cni.Datapath);
        Assert.Equal("192.168.0.0/16", resolved.Cluster.PodCidr.ToString());
        Assert.All(CsvTable.Read<GroupSummary>(Path.Combine(out1, "summary.csv")), g => Assert.Equal("calico-ipip", g.Datapath));
    }

    [Fact]
    public void Charts_are_drawn_as_png_and_svg()
    {
        string out1 = _h.Out("out");
        Assert.Equal(0, CliHarness.Run(new FormulaRunner(), "run", _h.ScenarioFile, "--out", out1).Code);
        foreach (string chart in new[] { "latency-cdf", "cpu-by-element", "latency-budget" })
        {
            Assert.True(new FileInfo(Path.Combine(out1, "charts", chart + ".png")).Length > 5000, chart);
            Assert.Contains("<svg", File.ReadAllText(Path.Combine(out1, "charts", chart + ".svg")), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Pcap_captures_land_in_the_output_directory()
    {
        string out1 = _h.Out("out");
        Assert.Equal(0, CliHarness.Run(new FormulaRunner(), "run", _h.ScenarioFile, "--out", out1, "--no-charts", "--pcap", "node1/*/eth0").Code);
        Assert.Equal("node1/*/eth0", File.ReadAllText(Path.Combine(out1, "pcap", "host.pcap")));
    }

    [Fact]
    public void A_run_that_breaks_packet_conservation_exits_1_and_says_so()
    {
        string out1 = _h.Out("out");
        var (code, stdout, _) = CliHarness.Run(new FormulaRunner { BreakConservation = true }, "run", _h.ScenarioFile, "--out", out1, "--no-charts");
        Assert.Equal(1, code);
        Assert.Contains("VIOLATED", stdout, StringComparison.Ordinal);
        Assert.Contains("VIOLATED", CsvTable.Read<RunInfo>(Path.Combine(out1, "run.csv")).Single().Conservation, StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_that_crashes_exits_1_with_one_line_and_writes_nothing()
    {
        string out1 = _h.Out("out");
        var (code, _, stderr) = CliHarness.Run(new FormulaRunner { FailAfter = 0 }, "run", _h.ScenarioFile, "--out", out1);
        Assert.Equal(1, code);
        Assert.Single(stderr.TrimEnd().Split('\n'));
        Assert.Contains("simulated crash", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(out1));
        Assert.Equal(["overlay.yaml"], Directory.GetFileSystemEntries(_h.Dir).Select(Path.GetFileName));
    }

    [Fact]
    public void An_earlier_output_is_replaced_but_an_unrelated_directory_is_refused()
    {
        string out1 = _h.Out("out");
        Assert.Equal(0, CliHarness.Run(new FormulaRunner(), "run", _h.ScenarioFile, "--out", out1, "--no-charts").Code);
        File.WriteAllText(Path.Combine(out1, "stale.txt"), "from before");
        Assert.Equal(0, CliHarness.Run(new FormulaRunner(), "run", _h.ScenarioFile, "--out", out1, "--no-charts").Code);
        Assert.False(File.Exists(Path.Combine(out1, "stale.txt")));

        string mine = _h.Out("mine");
        Directory.CreateDirectory(mine);
        File.WriteAllText(Path.Combine(mine, "thesis.tex"), "precious");
        var (code, _, stderr) = CliHarness.Run(new FormulaRunner(), "run", _h.ScenarioFile, "--out", mine);
        Assert.Equal(2, code);
        Assert.Contains("not a netsim output", stderr, StringComparison.Ordinal);
        Assert.Equal(["thesis.tex"], Directory.GetFiles(mine).Select(Path.GetFileName));
    }

    [Fact]
    public void Every_command_has_help_with_examples_wrapped_to_the_terminal()
    {
        var (code, usage, _) = CliHarness.Run(new FormulaRunner(), "--help");
        Assert.Equal(0, code);
        foreach (string name in new[] { "run", "compare", "trace", "sweep", "report", "check-reference", "calibrate", "validate", "profiles" })
        {
            Assert.Contains($"    {name} ", usage, StringComparison.Ordinal);
            var (c, help, _) = CliHarness.Run(new FormulaRunner(), name, "--help");
            Assert.Equal(0, c);
            foreach (string section in new[] { "DESCRIPTION:", "USAGE:", "EXAMPLES:", "OPTIONS:", $"netsim {name}" })
                Assert.Contains(section, help, StringComparison.Ordinal);
            // Help is wrapped to the width of the output (100 columns in a pipe), not pre-wrapped wider.
            // Examples are never wrapped (a wrapped one cannot be pasted); everything else fits.
            Assert.All(help.Split('\n').Where(l => !l.StartsWith("    netsim ", StringComparison.Ordinal)),
                l => Assert.True(l.Length <= CommandLine.Terminal.PlainWidth, $"{name}: {l.Length} columns: {l}"));
        }
    }
}
