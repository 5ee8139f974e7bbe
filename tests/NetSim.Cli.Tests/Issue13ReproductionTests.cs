using NetSim.Reporting.Csv;
using NetSim.Reporting.Records;

namespace NetSim.Cli.Tests;

/// <summary>
/// Every reproduction listed in issue 13 ("never crash, never hang, never silently accept"), through the netsim
/// command: each gives exit 2 and one line naming the file (and line and field where there is one), with nothing
/// written and nothing run; or, for a damaged sweep, recovers. Each failed before the issue's change (a crash, a
/// hang, exit 1 or a silent accept).
/// </summary>
public sealed class Issue13ReproductionTests : IDisposable
{
    private readonly CliHarness _h = new();

    public void Dispose() => _h.Dispose();

    private const string Small = """
        name: small
        duration: 20ms
        cluster:
          nodes: { count: 2 }
          nic: { rate: 10Gbps }
        workloads:
          - { name: client, placement: pinned, nodes: [node1] }
          - { name: server, placement: pinned, nodes: [node2], ports: [{ name: http, port: 8080 }] }
        traffic:
          - { name: rr, kind: rr, from: pod:client, to: pod:server }
        """;

    private const string Ping = """
        name: p
        duration: 5ms
        cluster:
          nodes: { count: 2 }
        workloads:
          - { name: a, placement: pinned, nodes: [node1] }
          - { name: c, placement: pinned, nodes: [node2] }
        traffic:
          - { name: p, kind: ping, from: pod:a, to: pod:c, interval: 1ms }
        """;

    private const string Flannel = """
        name: flannel
        duration: 5ms
        cluster:
          nodes: { count: 2 }
        cni:
          datapath: flannel-vxlan
          conflist: cni/10-flannel.conflist
        workloads:
          - { name: client, placement: pinned, nodes: [node1] }
          - { name: server, placement: pinned, nodes: [node2], ports: [{ name: http, port: 8080 }] }
        traffic:
          - { name: rr, kind: rr, from: pod:client, to: pod:server }
        """;

    private const string FlannelConflist = """
        {
          "name": "cbr0",
          "cniVersion": "0.3.1",
          "plugins": [
            { "type": "flannel", "delegate": { "hairpinMode": true, "isDefaultGateway": true } },
            { "type": "portmap", "capabilities": { "portMappings": true } }
          ]
        }
        """;

    /// <summary>netsim with the formula runner; asserts exit 2, one "netsim: " line holding <paramref name="words"/>, no stack trace, nothing run, --out not written.</summary>
    private string Refused(string words, params string[] args)
    {
        var runner = new FormulaRunner();
        string outDir = _h.Out("results");
        bool run = args[0] is "run" or "compare" or "trace";
        var argv = run ? [.. args, "--out", outDir] : args;
        var (code, _, stderr) = CliHarness.Run(runner, argv);
        string line = CliHarness.AssertRefused(code, stderr, words);
        Assert.False(Directory.Exists(outDir), "--out must not appear on bad input");
        Assert.Equal(0, runner.Runs);
        return line;
    }

    /// <summary>Refused by validate and by run alike.</summary>
    private void RefusedByValidateAndRun(string words, string file, params string[] sets)
    {
        var extra = sets.SelectMany(s => new[] { "--set", s }).ToArray();
        Refused(words, ["validate", file, .. extra]);
        Refused(words, ["run", file, .. extra]);
    }

    // Crashes (exit 134, a stack trace).

    [Fact]
    public void An_unterminated_flow_mapping_is_a_located_yaml_error() =>
        RefusedByValidateAndRun("small.yaml:5: not valid YAML", _h.Write("small.yaml", Small.Replace("nic: { rate: 10Gbps }", "nic: { rate: 10Gbps", StringComparison.Ordinal)));

    [Fact]
    public void Deep_nesting_is_refused_instead_of_overflowing_the_stack() =>
        RefusedByValidateAndRun("deep.yaml:1: nested more than 64 levels deep", _h.Write("deep.yaml", "deep: " + new string('[', 100_000) + "\n" + Small));

    [Theory]
    [InlineData("\"cniVersion\": \"0.3.1\",", "\"cniVersion\": \"0.3.1\", \"cniVersions\": [1, 2],", "cniVersions: 1 where a string belongs")]
    [InlineData("{ \"type\": \"flannel\",", "{ \"type\": \"flannel\", \"ipam\": { \"type\": 5 },", "plugins[0].ipam.type: 5 where a string belongs")]
    [InlineData("\"name\": \"cbr0\",", "\"name\": \"cbr0\", \"name\": \"again\",", "Duplicate property 'name'")]
    [InlineData("\"hairpinMode\": true,", "\"hairpinMode\": true, \"mtu\": \"abc\",", "plugins[0].delegate.mtu: \"abc\" where a whole number belongs")]
    public void Conflist_type_errors_and_duplicate_keys_name_the_conflist_field(string from, string to, string words)
    {
        Directory.CreateDirectory(Path.Combine(_h.Dir, "cni"));
        _h.Write("cni/10-flannel.conflist", FlannelConflist.Replace(from, to, StringComparison.Ordinal));
        RefusedByValidateAndRun(words, _h.Write("flannel.yaml", Flannel));
    }

    [Fact]
    public void A_negative_nic_rx_coalescing_is_refused_by_validate_as_by_run() =>
        RefusedByValidateAndRun("cluster.nic_rx_coalescing: -1us is negative", _h.Write("small.yaml", Small), "cluster.nic_rx_coalescing=-1us");

    [Fact]
    public void Sweep_resume_over_an_empty_or_half_truncated_run_file_runs_that_run_again()
    {
        _ = _h.ScenarioFile;
        string sweep = _h.Write("s.sweep.yaml", "scenario: overlay.yaml\nreplications: 2\nset: [duration=50ms]\nparameters:\n  kube_proxy.mode: [iptables, ipvs]\n");
        string whole = _h.Out("whole"), damaged = _h.Out("damaged");
        Assert.Equal(0, CliHarness.Run(new FormulaRunner(), "sweep", sweep, "--out", whole, "--no-charts").Code);
        Assert.Equal(0, CliHarness.Run(new FormulaRunner(), "sweep", sweep, "--out", damaged, "--no-charts").Code);
        File.WriteAllText(Path.Combine(damaged, "runs", "run-00001.csv"), "");
        string third = Path.Combine(damaged, "runs", "run-00002.csv");
        File.WriteAllBytes(third, File.ReadAllBytes(third)[..(int)(new FileInfo(third).Length / 2)]);
        var runner = new FormulaRunner();
        var (code, stdout, stderr) = CliHarness.Run(runner, "sweep", sweep, "--out", damaged, "--resume", "--no-charts");
        Assert.True(code == 0, stderr);
        Assert.Equal(2, runner.Runs); // the two damaged runs, and only those
        Assert.Contains("2 damaged or truncated run files", stdout, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(Path.Combine(whole, "sweep.csv")), File.ReadAllBytes(Path.Combine(damaged, "sweep.csv")));
    }

    // Exit 1 with an exception name on invalid input.

    [Theory]
    [InlineData("traffic[0].duration=-1ms", "traffic[0].duration: -1ms is negative")]
    [InlineData("cluster.fabric.propagation=-1us", "cluster.fabric.propagation: -1us is negative")]
    [InlineData("cluster.fabric.switch_latency=-1us", "cluster.fabric.switch_latency: -1us is negative")]
    [InlineData("traffic[0].start=-1ms", "traffic[0].start: -1ms is negative")]
    public void Negative_times_are_refused_by_validate(string set, string words) =>
        RefusedByValidateAndRun(words, _h.Write("small.yaml", Small), set);

    [Fact]
    public void A_zero_poisson_mean_interarrival_is_refused_by_validate() =>
        RefusedByValidateAndRun("traffic[0].mean_interarrival: must be positive", _h.Write("small.yaml", Small), "traffic[0].kind=poisson", "traffic[0].mean_interarrival=0s");

    [Fact]
    public void A_missing_replay_trace_is_refused_by_validate() =>
        RefusedByValidateAndRun("traffic[0].trace: nope.csv: file not found", _h.Write("small.yaml", Small.Replace("{ name: rr, kind: rr, from: pod:client, to: pod:server }", "{ name: rep, kind: replay, trace: nope.csv }", StringComparison.Ordinal)));

    [Fact]
    public void A_replay_trace_naming_an_unknown_pod_is_refused_by_validate()
    {
        _h.Write("rows.csv", "start,source,destination,protocol,port,bytes\n0s,pod:client,pod:server,tcp,5201,1000\n1ms,pod:client,pod:db,tcp,5201,1000\n");
        RefusedByValidateAndRun("rows.csv:3: destination: unknown endpoint 'pod:db'", _h.Write("small.yaml", Small.Replace("{ name: rr, kind: rr, from: pod:client, to: pod:server }", "{ name: rep, kind: replay, trace: rows.csv }", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_ping_payload_larger_than_the_mtu_is_refused_by_validate() =>
        RefusedByValidateAndRun("traffic[0].payload_size: 65507 bytes does not fit pod:a's MTU 1500", _h.Write("ping.yaml", Ping), "traffic[0].payload_size=65507");

    // Hangs.

    [Fact]
    public void A_one_picosecond_poisson_mean_is_refused_with_the_memory_estimate() =>
        RefusedByValidateAndRun("arrivals", _h.Write("small.yaml", Small), "traffic[0].kind=poisson", "traffic[0].mean_interarrival=1ps");

    [Fact]
    public void A_million_character_traffic_name_is_refused()
    {
        string file = _h.Write("small.yaml", Small.Replace("name: rr,", $"name: {new string('r', 1_000_000)},", StringComparison.Ordinal));
        RefusedByValidateAndRun("a value of 1,000,000 characters", file);
        RefusedByValidateAndRun("traffic[0].name: needs 1 to 100 characters, not 1000", _h.Write("short.yaml", Small), "traffic[0].name=" + new string('r', 1000));
    }

    [Fact]
    public void A_million_character_sweep_name_is_refused()
    {
        _ = _h.ScenarioFile;
        Refused("a value of 1,000,000 characters", "sweep", _h.Write("n.sweep.yaml", $"name: {new string('n', 1_000_000)}\nscenario: overlay.yaml\nparameters:\n  kube_proxy.mode: [iptables]\n"));
        Refused("name: needs 1 to 100 characters", "sweep", _h.Write("n.sweep.yaml", $"name: {new string('n', 300)}\nscenario: overlay.yaml\nparameters:\n  kube_proxy.mode: [iptables]\n"));
    }

    [Fact]
    public void An_alias_bomb_used_as_a_mapping_key_is_refused_at_once()
    {
        var y = new System.Text.StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 9; i++) y.Append(System.Globalization.CultureInfo.InvariantCulture, $"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]\n");
        y.Append("? *a8\n: 1\n").Append(Small);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        RefusedByValidateAndRun("bomb.yaml:", _h.Write("bomb.yaml", y.ToString()));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{clock.Elapsed}");
    }

    [Fact]
    public void A_fifo_or_a_device_given_as_the_scenario_is_refused_without_reading_it()
    {
        string fifo = Path.Combine(_h.Dir, "fifo.yaml");
        var mk = System.Diagnostics.Process.Start("mkfifo", fifo);
        mk.WaitForExit();
        foreach (string file in new[] { fifo, "/dev/urandom", "/dev/zero" })
            RefusedByValidateAndRun("not a regular file", file);
    }

    // Unbounded memory.

    /// <summary>Offered 100 Gbit/s over 10 GbE: the sender blocks on its socket's SO_SNDBUF, so few packets are ever in flight and it delivers.</summary>
    [Fact]
    public void A_udp_sender_far_above_its_nic_runs_in_bounded_memory()
    {
        string outDir = _h.Out("udp");
        var (code, stdout, stderr) = CliHarness.Run(new NetSim.Topologies.Build.ClusterSimulation(), "run", _h.Write("small.yaml", Small), "--set", "traffic[0].kind=bulk",
            "--set", "traffic[0].protocol=udp", "--set", "traffic[0].rate=100Gbps", "--set", "duration=100ms", "--max-memory", "2GiB", "--out", outDir);
        Assert.True(code == 0, stderr + stdout);
        // The process's peak memory is the test host's here, so the bound is read from packet conservation instead:
        // at the end of the run at most a few socket buffers, qdiscs and rings of packets exist (the issue saw 879,044).
        string run = File.ReadAllText(Path.Combine(outDir, "run.csv"));
        var inFlight = System.Text.RegularExpressions.Regex.Match(run, @"in flight ([0-9]+)");
        Assert.True(inFlight.Success, run);
        Assert.InRange(long.Parse(inFlight.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 0, 10_000);
        var goodput = System.Text.RegularExpressions.Regex.Match(stdout, @"│ rr\s+│ bulk\s+│[^│]+│\s+([0-9.]+) │");
        Assert.True(goodput.Success, stdout);
        Assert.InRange(double.Parse(goodput.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 1, 10);
    }

    [Fact]
    public void Services_that_all_select_the_same_thousand_pods_on_a_hundred_nodes_are_refused_with_the_estimate()
    {
        string file = _h.Write("same.yaml", """
            name: same
            duration: 10ms
            cluster:
              nodes: { count: 100 }
              max_pods: 110
            workloads:
              - { name: web, replicas: 1000, ports: [{ name: http, port: 8080 }] }
              - { name: other, replicas: 2000 }
            services:
              - { name: s, count: 998, selector: { app: web }, ports: [{ port: 80, target_port: http }] }
              - { name: t, count: 2, selector: { app: other }, ports: [{ port: 80 }] }
            """);
        // The KUBE-SEP chains are shared by the nodes now (each lists them), so the estimate is a few GiB, not the 24 GB of every node's own copy.
        string line = Refused("iptables endpoint rules (1,002,000 endpoints, shared by 100 nodes)", "validate", file, "--max-memory", "2GiB");
        Assert.Contains("more than --max-memory 2.0 GiB", line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_grid_of_a_million_points_is_refused_before_one_is_made()
    {
        _ = _h.ScenarioFile;
        string sweep = _h.Write("g.sweep.yaml", "scenario: overlay.yaml\nparameters:\n  services[0].count: {linear: [1, 100, 100]}\n  traffic[0].streams: {linear: [1, 100, 100]}\n  cluster.nic.mtu: {linear: [1000, 1099, 100]}\n");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Refused("100 × 100 × 100 = 1,000,000 points; a sweep has at most 10,000", "sweep", sweep);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{clock.Elapsed}");
    }

    // Silent accepts.

    [Theory]
    [InlineData("traffic[0].request_size=4GiB", "traffic[0].request_size: 4294967296 bytes is outside 1..1073741824")]
    [InlineData("traffic[0].size_distribution=sizes.csv", "traffic[0].size_distribution: is not modelled yet")]
    public void Sizes_that_would_wrap_and_ignored_fields_are_refused(string set, string words) =>
        RefusedByValidateAndRun(words, _h.Write("small.yaml", Small), set);

    [Fact]
    public void A_ping_payload_past_the_32_bit_range_is_refused() =>
        RefusedByValidateAndRun("traffic[0].payload_size: 4294967352 bytes is outside 1..65507", _h.Write("ping.yaml", Ping), "traffic[0].payload_size=4294967352");

    [Fact]
    public void A_pcap_pattern_with_glob_syntax_netsim_lacks_is_refused() =>
        Refused("--pcap '[': '[' is not in any interface name", "run", _h.Write("small.yaml", Small), "--pcap", "[");

    // Late failures.

    public static TheoryData<string, string> UnwritableOut => new()
    {
        { "{file}", "is a file, not a directory" },
        { "{file}/under", "is a file, so no directory can be made under it" },
        { "/dev/null", "is a file, not a directory" },
        { "/dev/null/x", "is a file, so no directory can be made under it" },
        { "/proc/netsim-out", "is not writable" },
        { "/sys/netsim-out", "is not writable" },
        { "/", "cannot be a root directory" },
        { " ", "--out needs a directory" },
        { "{dir}", "holds the input" },
        { "{long}", "is not writable" },
        { "bad\u0001name", "control characters" },
        { "{full}", "exists and is not a netsim output" },
    };

    [Theory]
    [MemberData(nameof(UnwritableOut))]
    public void An_unusable_out_directory_is_refused_before_the_run(string outArg, string words)
    {
        string scenario = _h.Write("small.yaml", Small);
        string file = _h.Write("a-file", "x");
        Directory.CreateDirectory(Path.Combine(_h.Dir, "full"));
        File.WriteAllText(Path.Combine(_h.Dir, "full", "keep.txt"), "not netsim's");
        string outDir = outArg.Replace("{file}", file, StringComparison.Ordinal).Replace("{dir}", _h.Dir, StringComparison.Ordinal)
            .Replace("{long}", Path.Combine(_h.Dir, new string('l', 250)), StringComparison.Ordinal).Replace("{full}", Path.Combine(_h.Dir, "full"), StringComparison.Ordinal);
        var runner = new FormulaRunner();
        var (code, _, stderr) = CliHarness.Run(runner, "run", scenario, "--out", outDir);
        CliHarness.AssertRefused(code, stderr, words);
        Assert.Equal(0, runner.Runs);
        Assert.Empty(Directory.GetDirectories(_h.Dir, ".*netsim-tmp*"));
    }

    [Fact]
    public void A_sweep_killed_before_its_manifest_was_written_starts_again_and_stale_temporary_files_go()
    {
        _ = _h.ScenarioFile;
        string sweep = _h.Write("s.sweep.yaml", "scenario: overlay.yaml\nreplications: 2\nset: [duration=50ms]\nparameters:\n  kube_proxy.mode: [iptables, ipvs]\n");
        string whole = _h.Out("whole"), killed = _h.Out("killed");
        Assert.Equal(0, CliHarness.Run(new FormulaRunner(), "sweep", sweep, "--out", whole, "--no-charts").Code);
        // What a sweep killed while writing its first files leaves: folders, a half-written point, temporary files, no manifest.
        Directory.CreateDirectory(Path.Combine(killed, "runs"));
        Directory.CreateDirectory(Path.Combine(killed, "points"));
        File.WriteAllText(Path.Combine(killed, "points", "point-0000.yaml.1a2b.tmp"), "name: ha");
        File.WriteAllText(Path.Combine(killed, "sweep.csv.3c4d.tmp"), "point,");
        foreach (string resume in new[] { "--no-charts", "--resume" })
        {
            var (code, _, stderr) = CliHarness.Run(new FormulaRunner(), "sweep", sweep, "--out", killed, "--no-charts", resume);
            Assert.True(code == 0, stderr);
        }
        Assert.Equal(File.ReadAllBytes(Path.Combine(whole, "sweep.csv")), File.ReadAllBytes(Path.Combine(killed, "sweep.csv")));
        Assert.Empty(Directory.GetFiles(killed, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void A_scenario_with_a_conflist_reruns_from_the_scenario_yaml_written_to_out_with_the_same_fingerprint()
    {
        Directory.CreateDirectory(Path.Combine(_h.Dir, "cni"));
        _h.Write("cni/10-flannel.conflist", FlannelConflist);
        string first = _h.Out("first"), again = _h.Out("again");
        var (code, _, stderr) = CliHarness.Run(new Topologies.Build.ClusterSimulation(), "run", _h.Write("flannel.yaml", Flannel), "--out", first, "--no-charts");
        Assert.True(code == 0, stderr);
        Assert.True(File.Exists(Path.Combine(first, "cni", "10-flannel.conflist")));
        (code, _, stderr) = CliHarness.Run(new Topologies.Build.ClusterSimulation(), "run", Path.Combine(first, "scenario.yaml"), "--out", again, "--no-charts");
        Assert.True(code == 0, stderr);
        var a = CsvTable.Read<RunInfo>(Path.Combine(first, "run.csv")).Single();
        var b = CsvTable.Read<RunInfo>(Path.Combine(again, "run.csv")).Single();
        Assert.Equal(a.Fingerprint, b.Fingerprint);
        Assert.Equal(a.ScenarioSha256, b.ScenarioSha256);
    }
}
