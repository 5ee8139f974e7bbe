using System.Diagnostics;
using NetSim.Engine.Diagnostics;
using NetSim.Experiments.Calibration;
using NetSim.Traffic.Applications;
using Xunit.Abstractions;

namespace NetSim.Cli.Tests.Fuzz;

/// <summary>
/// The fuzz suite (issue 13): a seeded generator of mutations over every bundled scenario, conflist, sweep, sweep
/// directory (manifest and run files), cost profile, measurements file and trace, each case with a time and memory
/// limit. It fails on any exit but 0 and 2, any stack trace, any hang, any output written on exit 2, and any case
/// validate accepts that run refuses. Most cases run netsim in this process (the loader and validator are what is
/// fuzzed); a sample runs as real netsim processes, validated and then run. The counts are printed, and written to
/// fuzz-summary.txt beside the test assembly for CI to show. NETSIM_FUZZ_SEED and NETSIM_FUZZ_SCALE (a multiplier
/// of the case counts) make longer local runs.
/// </summary>
public sealed class FuzzSuiteTests(ITestOutputHelper output)
{
    private const ulong DefaultSeed = 13;
    private static readonly TimeSpan CaseLimit = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ProcessLimit = TimeSpan.FromSeconds(120);

    /// <summary>Bytes one in-process case may allocate: far above any bundled scenario's validation (tens of MiB).</summary>
    private const long CaseMemory = 1L << 30;

    /// <summary>The memory a validated-then-run case may claim (--max-memory) and the GC heap its process gets (twice that).</summary>
    private const string RunMaxMemory = "1GiB";
    private const long ProcessHeap = 2L << 30;

    /// <summary>A sweep small enough to run many times with the formula runner: 4 points × 2 replications over ping.yaml.</summary>
    private const string SmallSweep = """
        name: small
        scenario: ../ping.yaml
        replications: 2
        seed: 3
        set: [duration=5ms]
        parameters:
          traffic[0].interval: [1ms, 2ms]
          kube_proxy.mode: [iptables, ipvs]
        metrics: [p50_us, drops]
        """;

    private const string Trace = """
        start,source,destination,protocol,port,bytes,request,response
        0s,pod:client,pod:server,tcp,8080,,100,1000
        1ms,pod:client,pod:server,udp,53,512,,
        # a comment
        2.5ms,node:node1,service:web,tcp,80,,1KiB,
        """;

    [Fact]
    public void Every_mutated_input_is_accepted_or_refused_cleanly()
    {
        ulong seed = ulong.TryParse(Environment.GetEnvironmentVariable("NETSIM_FUZZ_SEED"), out ulong s) ? s : DefaultSeed;
        double scale = double.TryParse(Environment.GetEnvironmentVariable("NETSIM_FUZZ_SCALE"), System.Globalization.CultureInfo.InvariantCulture, out double k) ? k : 1;
        int Scaled(int n) => Math.Max(1, (int)(n * scale));
        var rng = new FuzzRandom(seed);
        var tally = new FuzzTally();
        var clock = Stopwatch.StartNew();
        using var corpus = new FuzzCorpus();
        File.WriteAllText(Path.Combine(corpus.Root, "scenarios", "sweeps", "small.yaml"), SmallSweep);

        var accepted = Scenarios(corpus, rng, tally, Scaled(900));
        Conflists(corpus, rng, tally, Scaled(120));
        Manifests(corpus, rng, tally, Scaled(120));
        Overrides(corpus, rng, tally, Scaled(120));
        Profiles(corpus, rng, tally, Scaled(60));
        Tables(corpus, rng, tally, Scaled(50));
        Sweeps(corpus, rng, tally, Scaled(40), Scaled(5));
        SweepDirectories(corpus, rng, tally, Scaled(40));
        int runs = Scaled(24);
        ValidatedThenRun(corpus, tally, accepted.Where((_, i) => i % Math.Max(1, accepted.Count / runs) == 0).Take(runs).ToList());
        RefusedProcesses(corpus, rng, tally, Scaled(12));

        string summary = tally.Summary(clock.Elapsed);
        output.WriteLine(summary);
        File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "fuzz-summary.txt"), $"{summary} (seed {seed})\n");
        Assert.True(tally.Failures.Count == 0, $"{summary}\n{string.Join("\n", tally.Failures)}");
        Assert.True(tally.Cases >= Scaled(1000), summary);
        Assert.True(tally.Accepted > 0 && tally.Rejected > 0, summary); // the generator reaches both sides
    }

    /// <summary>Mutated scenarios through validate; the accepted ones are returned, to run a sample of them as processes.</summary>
    private static List<(string File, string What)> Scenarios(FuzzCorpus corpus, FuzzRandom rng, FuzzTally tally, int cases)
    {
        var runner = new FormulaRunner();
        var toRun = new List<(string, string)>();
        for (int i = 0; i < cases; i++)
        {
            string original = corpus.Scenarios[i % corpus.Scenarios.Count];
            var m = Stack(File.ReadAllText(original), rng, json: false);
            string file = Write(corpus, Path.Combine("scenarios", $"fuzz-{i:D4}.yaml"), m);
            string what = $"{Path.GetFileName(original)}: {m.What}";
            var outcome = CaseRunner.InProcess(runner, ["validate", file], CaseLimit);
            tally.Add("scenarios", what, outcome, outcome.Problem(CaseMemory, null));
            if (outcome.Accepted) toRun.Add((file, what));
        }
        return toRun;
    }

    /// <summary>Mutated conflists, through validate of a scenario whose datapath runs their first plugin.</summary>
    private static void Conflists(FuzzCorpus corpus, FuzzRandom rng, FuzzTally tally, int cases)
    {
        var runner = new FormulaRunner();
        string scenario = corpus.ScenarioUsing("10-flannel.conflist");
        for (int i = 0; i < cases; i++)
        {
            string original = corpus.Conflists[i % corpus.Conflists.Count];
            string datapath = Path.GetFileName(original).Contains("calico", StringComparison.Ordinal) ? "calico-bgp" : "flannel-vxlan";
            var m = Stack(File.ReadAllText(original), rng, json: true);
            Write(corpus, Path.Combine("scenarios", "cni", $"fuzz-{i:D4}.conflist"), m);
            var outcome = CaseRunner.InProcess(runner, ["validate", scenario, "--set", $"cni.datapath={datapath}", "--set", $"cni.conflist=cni/fuzz-{i:D4}.conflist"], CaseLimit);
            tally.Add("conflists", $"{Path.GetFileName(original)}: {m.What}", outcome, outcome.Problem(CaseMemory, null));
        }
    }

    /// <summary>Mutated Kubernetes manifests, each the only file of a folder run with --cluster against the bundled cluster file.</summary>
    private static void Manifests(FuzzCorpus corpus, FuzzRandom rng, FuzzTally tally, int cases)
    {
        var runner = new FormulaRunner();
        string cluster = Path.Combine(corpus.Root, "scenarios", "manifests", "cluster.yaml");
        for (int i = 0; i < cases; i++)
        {
            string original = corpus.Manifests[i % corpus.Manifests.Count];
            var m = Stack(File.ReadAllText(original), rng, json: false);
            string dir = Path.Combine(corpus.Root, "scenarios", "manifests", $"fuzz-{i:D4}");
            Directory.CreateDirectory(dir);
            // The rest of the application beside the mutated file, so a mutation that keeps it valid still validates.
            foreach (string other in corpus.Manifests.Where(f => f != original)) File.Copy(other, Path.Combine(dir, Path.GetFileName(other)));
            Write(corpus, Path.Combine("scenarios", "manifests", $"fuzz-{i:D4}", Path.GetFileName(original)), m);
            var outcome = CaseRunner.InProcess(runner, ["validate", dir, "--cluster", cluster], CaseLimit);
            tally.Add("manifests", $"{Path.GetFileName(original)}: {m.What}", outcome, outcome.Problem(CaseMemory, null));
        }
    }

    /// <summary>--set PATH=VALUE with a path the scenario has and a hostile value (or a path it does not have).</summary>
    private static void Overrides(FuzzCorpus corpus, FuzzRandom rng, FuzzTally tally, int cases)
    {
        var runner = new FormulaRunner();
        string[] paths = ["duration", "warmup", "seed", "cluster.nodes.count", "cluster.nic.rate", "cluster.nic.mtu", "cluster.nic_rx_coalescing",
            "cluster.fabric.propagation", "cluster.fabric.switch_latency", "cluster.fabric.port_buffer", "cluster.pod_cidr", "cluster.service_cidr",
            "cluster.node_cidr", "cluster.node_mask", "cluster.max_pods", "cluster.cpu_scale", "cluster.l2_cache", "cni.datapath", "cni.mtu",
            "kube_proxy.mode", "services[0].count", "services[0].ports", "workloads[0].replicas", "traffic[0].kind", "traffic[0].start",
            "traffic[0].duration", "traffic[0].rate", "traffic[0].request_size", "traffic[0].payload_size", "traffic[0].mean_interarrival",
            "traffic[0].streams", "traffic[0].to", "traffic[9].start", "compare", "profile", "nothing.here", "cluster..nodes", "traffic[x].start", "=1"];
        for (int i = 0; i < cases; i++)
        {
            string file = corpus.Scenarios[i % corpus.Scenarios.Count];
            string set = $"{rng.Pick(paths)}={rng.Pick(TextMutator.HostileValues)}";
            var outcome = CaseRunner.InProcess(runner, ["validate", file, "--set", set], CaseLimit);
            tally.Add("--set", $"{Path.GetFileName(file)} --set '{set}'", outcome, outcome.Problem(CaseMemory, null));
        }
    }

    /// <summary>Mutated cost profiles, named by a scenario's profile field.</summary>
    private static void Profiles(FuzzCorpus corpus, FuzzRandom rng, FuzzTally tally, int cases)
    {
        var runner = new FormulaRunner();
        string scenario = corpus.Scenarios.First(f => f.EndsWith("ping.yaml", StringComparison.Ordinal));
        for (int i = 0; i < cases; i++)
        {
            string original = corpus.Profiles[i % corpus.Profiles.Count];
            var m = Stack(File.ReadAllText(original), rng, json: false);
            string file = Write(corpus, Path.Combine("profiles", $"fuzz-{i:D4}.yaml"), m);
            var outcome = CaseRunner.InProcess(runner, ["validate", scenario, "--set", $"profile={file}"], CaseLimit);
            tally.Add("profiles", $"{Path.GetFileName(original)}: {m.What}", outcome, outcome.Problem(CaseMemory, null));
        }
    }

    /// <summary>Mutated measurements and trace CSV files through their readers: a located InputException or a table, nothing else.</summary>
    private static void Tables(FuzzCorpus corpus, FuzzRandom rng, FuzzTally tally, int cases)
    {
        string measurements = File.ReadAllText(corpus.Measurements);
        for (int i = 0; i < cases; i++)
        {
            bool trace = i % 2 == 1;
            var m = Stack(trace ? Trace : measurements, rng, json: false);
            string file = Write(corpus, trace ? $"fuzz-{i:D4}.trace.csv" : $"fuzz-{i:D4}.measurements.csv", m);
            var outcome = Library(() =>
            {
                if (trace) TraceReader.ReadFile(file);
                else ReferenceMeasurements.Load(file);
            });
            tally.Add(trace ? "traces" : "measurements", m.What, outcome, outcome.Problem(CaseMemory, null));
        }
    }

    /// <summary>Mutated sweep files, run with the formula runner: exit 2 leaves no sweep directory.</summary>
    private static void Sweeps(FuzzCorpus corpus, FuzzRandom rng, FuzzTally tally, int small, int eachBundled)
    {
        var sources = Enumerable.Repeat(Path.Combine(corpus.Root, "scenarios", "sweeps", "small.yaml"), small)
            .Concat(corpus.Sweeps.Where(f => !f.EndsWith("small.yaml", StringComparison.Ordinal)).SelectMany(f => Enumerable.Repeat(f, eachBundled)));
        int i = 0;
        foreach (string original in sources)
        {
            var m = Stack(File.ReadAllText(original), rng, json: false);
            string file = Write(corpus, Path.Combine("scenarios", "sweeps", $"fuzz-{i:D4}.yaml"), m);
            string outDir = Path.Combine(corpus.Root, $"sweep-{i++:D4}");
            var outcome = CaseRunner.InProcess(new FormulaRunner(), ["sweep", file, "--out", outDir, "--no-charts", "--jobs", "2"], CaseLimit * 2);
            tally.Add("sweeps", $"{Path.GetFileName(original)}: {m.What}", outcome, outcome.Problem(CaseMemory, outDir));
        }
    }

    /// <summary>
    /// A finished sweep directory damaged as a kill or a disk would (manifest, run files, points mutated, truncated
    /// or deleted; stale temporary files), then resumed: it refuses (exit 2) or ends byte-identical to the undamaged one.
    /// </summary>
    private static void SweepDirectories(FuzzCorpus corpus, FuzzRandom rng, FuzzTally tally, int cases)
    {
        string sweep = Path.Combine(corpus.Root, "scenarios", "sweeps", "small.yaml");
        string whole = Path.Combine(corpus.Root, "sweep-whole");
        Assert.Equal(0, CliHarness.Run(new FormulaRunner(), ["sweep", sweep, "--out", whole, "--no-charts"]).Code);
        byte[] expected = File.ReadAllBytes(Path.Combine(whole, "sweep.csv"));
        for (int i = 0; i < cases; i++)
        {
            string dir = Path.Combine(corpus.Root, $"resume-{i:D4}");
            CopyDirectory(whole, dir);
            string what = Damage(dir, rng);
            var outcome = CaseRunner.InProcess(new FormulaRunner(), ["sweep", sweep, "--out", dir, "--resume", "--no-charts"], CaseLimit);
            string? problem = outcome.Problem(CaseMemory, null);
            if (problem is null && outcome.Accepted && !File.ReadAllBytes(Path.Combine(dir, "sweep.csv")).SequenceEqual(expected))
                problem = "resumed, but sweep.csv differs from the undamaged sweep's";
            if (problem is null && outcome.Accepted && Directory.GetFiles(dir, "*.tmp", SearchOption.AllDirectories).Length > 0)
                problem = "resumed, but temporary files are left";
            tally.Add("sweep directories", what, outcome, problem);
        }
    }

    private static string Damage(string dir, FuzzRandom rng)
    {
        var runs = Directory.GetFiles(Path.Combine(dir, "runs")).Order(StringComparer.Ordinal).ToList();
        string run = rng.Pick(runs);
        switch (rng.Below(9))
        {
            case 0:
                var m = Stack(File.ReadAllText(Path.Combine(dir, "manifest.csv")), rng, json: false);
                File.WriteAllBytes(Path.Combine(dir, "manifest.csv"), m.Bytes);
                return $"manifest.csv: {m.What}";
            case 1:
                File.WriteAllText(run, "");
                return $"{Path.GetFileName(run)} emptied";
            case 2:
                byte[] bytes = File.ReadAllBytes(run);
                int keep = rng.Below(bytes.Length);
                File.WriteAllBytes(run, bytes[..keep]);
                return $"{Path.GetFileName(run)} truncated to {keep} bytes";
            case 3:
                byte[] b = File.ReadAllBytes(run);
                int at = rng.Below(b.Length);
                b[at] ^= (byte)(1 + rng.Below(255));
                File.WriteAllBytes(run, b);
                return $"{Path.GetFileName(run)}: byte {at} changed";
            case 4:
                File.Delete(run);
                return $"{Path.GetFileName(run)} deleted";
            case 5:
                File.Delete(Path.Combine(dir, "manifest.csv"));
                return "manifest.csv deleted (a sweep killed before it began)";
            case 6:
                File.WriteAllText(Path.Combine(dir, "runs", "run-00001.csv.0123abcd.tmp"), "run,point");
                File.WriteAllText(Path.Combine(dir, "sweep.csv.4567cdef.tmp"), "point,");
                return "stale temporary files left by a kill";
            case 7:
                Directory.Delete(Path.Combine(dir, "points"), recursive: true);
                File.Delete(Path.Combine(dir, "sweep.yaml"));
                return "points/ and sweep.yaml missing (killed while they were written)";
            default:
                var r = Stack(File.ReadAllText(run), rng, json: false);
                File.WriteAllBytes(run, r.Bytes);
                return $"{Path.GetFileName(run)}: {r.What}";
        }
    }

    /// <summary>
    /// Accepted scenario cases as real processes: validate again with a short duration and --max-memory, then run
    /// with the same settings (GC heap capped at twice that). A run that refuses what validate accepted is a silent accept.
    /// </summary>
    private static void ValidatedThenRun(FuzzCorpus corpus, FuzzTally tally, List<(string File, string What)> cases)
    {
        for (int i = 0; i < cases.Count; i++)
        {
            var (file, what) = cases[i];
            string[] sets = ["--set", "duration=20ms", "--set", "warmup=0s", "--max-memory", RunMaxMemory];
            var validate = CaseRunner.Process(["validate", file, .. sets], ProcessLimit, ProcessHeap);
            tally.Add("processes", $"validate {what}", validate, validate.Problem(long.MaxValue, null), process: true);
            if (!validate.Accepted) continue;
            string outDir = Path.Combine(corpus.Root, $"run-{i:D4}");
            var run = CaseRunner.Process(["run", file, .. sets, "--no-charts", "--out", outDir], ProcessLimit, ProcessHeap);
            tally.CountRun();
            string? problem = run.Problem(long.MaxValue, outDir);
            if (problem is not null) tally.Add("processes", $"run {what}", run, problem, process: true);
            else if (!run.Accepted) tally.SilentAccept("processes", what, run);
            else tally.Add("processes", $"run {what}", run, null, process: true);
        }
    }

    /// <summary>Refused inputs as real processes with --out: exit 2, one line, no stack trace, nothing written.</summary>
    private static void RefusedProcesses(FuzzCorpus corpus, FuzzRandom rng, FuzzTally tally, int cases)
    {
        string[] breakers = ["deep: " + new string('[', 100_000), "name: x\ncluster:\n  nic: { rate: 10Gbps\nduration: 1s\n", "? *a\n: 1\n", "\u0000"];
        for (int i = 0; i < cases; i++)
        {
            string original = corpus.Scenarios[i % corpus.Scenarios.Count];
            string text = File.ReadAllText(original);
            var m = i % 3 == 0 ? Mutation.Text(breakers[i / 3 % breakers.Length] + "\n" + text, "a known breaker prepended") : Stack(text, rng, json: false);
            string file = Write(corpus, Path.Combine("scenarios", $"refused-{i:D4}.yaml"), m);
            string outDir = Path.Combine(corpus.Root, $"refused-out-{i:D4}");
            var outcome = CaseRunner.Process(["run", file, "--set", "duration=10ms", "--max-memory", RunMaxMemory, "--no-charts", "--out", outDir], ProcessLimit, ProcessHeap);
            tally.Add("processes", $"run {Path.GetFileName(original)}: {m.What}", outcome, outcome.Problem(long.MaxValue, outDir), process: true);
        }
    }

    /// <summary>One mutation, sometimes two stacked.</summary>
    private static Mutation Stack(string text, FuzzRandom rng, bool json)
    {
        var first = TextMutator.Mutate(text, rng, json);
        if (!rng.Chance(25)) return first;
        string again;
        try
        {
            again = new System.Text.UTF8Encoding(false, true).GetString(first.Bytes);
        }
        catch (System.Text.DecoderFallbackException)
        {
            return first;
        }
        var second = TextMutator.Mutate(again, rng, json);
        return second with { What = $"{first.What}; then {second.What}" };
    }

    private static string Write(FuzzCorpus corpus, string relative, Mutation m)
    {
        string path = Path.Combine(corpus.Root, relative);
        File.WriteAllBytes(path, m.Bytes);
        return path;
    }

    /// <summary>A library reader called directly: an InputException is a clean refusal (exit 2), anything else a crash.</summary>
    private static CaseOutcome Library(Action read)
    {
        var sw = Stopwatch.StartNew();
        var task = Task.Run(() =>
        {
            try
            {
                read();
                return new CaseOutcome(0, "", "", sw.Elapsed, 0);
            }
            catch (InputException e)
            {
                return new CaseOutcome(2, "", $"netsim: {e.Message}", sw.Elapsed, 0);
            }
#pragma warning disable CA1031 // any other exception is the finding
            catch (Exception e)
#pragma warning restore CA1031
            {
                return new CaseOutcome(134, "", $"Unhandled exception. {e}", sw.Elapsed, 0);
            }
        });
        return task.Wait(CaseLimit) ? task.Result : new CaseOutcome(-1, "", "", sw.Elapsed, 0);
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
        foreach (string d in Directory.GetDirectories(from)) CopyDirectory(d, Path.Combine(to, Path.GetFileName(d)));
    }
}
