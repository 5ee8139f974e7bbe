using NetSim.Topologies.Scenarios;
using NetSim.Experiments.Advice;
using NetSim.Reporting.Csv;

namespace NetSim.Cli.Tests;

/// <summary>
/// netsim advise end to end with the real cluster runner: each exercise-1 requirement set gives a ranked answer whose
/// reasons cite the feature matrix and the measured numbers; requiring policy drops the policy-less datapaths;
/// bad requirements give one line and exit 2; the README's example says what the command prints.
/// </summary>
public sealed class AdviseCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("netsim-advise-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Exercise(string name) => Path.Combine(CalibrateCommandTests.Repo(), "scenarios", "exercises", name);

    private static (int Code, string Stdout, string Stderr) Netsim(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Program.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>advice.csv as rows of column → text.</summary>
    private static List<Dictionary<string, string>> Advice(string dir)
    {
        var (header, rows) = CsvTable.ReadRaw(Path.Combine(dir, "advice.csv"));
        return rows.Select(r => header.Select((h, i) => (h, r[i])).ToDictionary(x => x.h, x => x.Item2)).ToList();
    }

    [Theory]
    [InlineData("startup.yaml", "flannel-vxlan", "cpu_us_per_gbit")]
    // Financial: any Calico mode; with WireGuard every mode routes other nodes' pods through wireguard.cali, so the
    // iptables-dataplane modes measure alike and their order among themselves is within noise.
    [InlineData("financial.yaml", "calico-", "rr_p50_us")]
    [InlineData("hpc.yaml", null, "goodput_gbps")]
    public void Each_exercise_gets_a_ranked_answer_citing_the_matrix_and_the_runs(string file, string? expectedFirst, string priorityColumn)
    {
        string outDir = Path.Combine(_dir, file);
        var (code, stdout, stderr) = Netsim("advise", Exercise(file), "--replications", "1", "--no-charts", "--out", outDir);
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        var rows = Advice(outDir);
        Assert.Equal(DatapathNames.All.Count, rows.Count);
        Assert.Equal(Enumerable.Range(1, DatapathNames.All.Count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), rows.Select(r => r["rank"]));
        var first = rows[0];
        Assert.Equal("recommended", first["verdict"]);
        if (expectedFirst is not null && expectedFirst.EndsWith('-')) Assert.StartsWith(expectedFirst, first["datapath"], StringComparison.Ordinal);
        else if (expectedFirst is not null) Assert.Equal(expectedFirst, first["datapath"]);
        foreach (var row in rows.Where(r => r["verdict"] is "recommended" or "eligible"))
        {
            // The reason cites matrix cells (feature=value [source]) and the measured priority metric, as printed.
            Assert.Matches(@"\w+=[\w+-]+ \[https://", row["reason"]);
            double value = double.Parse(row[priorityColumn], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Contains(Ranking.Num(value), row["reason"], StringComparison.Ordinal);
            Assert.Contains("(n=1)", row["reason"], StringComparison.Ordinal);
        }
        foreach (var row in rows.Where(r => r["verdict"] == "fails"))
            Assert.Matches(@"^fails .+\(\w+=[\w+-]+ \[", row["reason"]);
        Assert.True(File.Exists(Path.Combine(outDir, "summary.csv")) && File.Exists(Path.Combine(outDir, "runs.csv")) && File.Exists(Path.Combine(outDir, "advice.md")));
        Assert.Contains("why each place", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void On_the_hpc_cluster_the_first_place_has_the_highest_measured_throughput()
    {
        string outDir = Path.Combine(_dir, "hpc");
        var (code, stdout, stderr) = Netsim("advise", Exercise("hpc.yaml"), "--replications", "1", "--no-charts", "--out", outDir);
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        // Expert team, generous budget: no soft mismatch, so the measured throughput alone orders the eligible datapaths.
        var eligible = Advice(outDir).Where(r => r["verdict"] is "recommended" or "eligible")
            .Select(r => double.Parse(r["goodput_gbps"], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(eligible.Count >= 4, $"{eligible.Count} eligible");
        Assert.Equal(eligible.OrderByDescending(v => v), eligible);
    }

    [Fact]
    public void Requiring_policy_on_the_startup_cluster_drops_the_policy_less_datapaths()
    {
        string without = Path.Combine(_dir, "no-policy"), with = Path.Combine(_dir, "policy");
        Assert.Equal(0, Netsim("advise", Exercise("startup.yaml"), "--replications", "1", "--no-charts", "--out", without).Code);
        var (code, stdout, stderr) = Netsim("advise", Exercise("startup.yaml"), "--set", "policy_required=true", "--replications", "1", "--no-charts", "--out", with);
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        string[] policyLess = ["flannel-vxlan", "flannel-host-gw", "bridge", "host"];
        var before = Advice(without).ToDictionary(r => r["datapath"]);
        var after = Advice(with).ToDictionary(r => r["datapath"]);
        Assert.Equal("flannel-vxlan", Advice(without)[0]["datapath"]);
        Assert.All(policyLess.Where(d => d != "host"), d => Assert.NotEqual("fails", before[d]["verdict"]));
        Assert.All(policyLess, d =>
        {
            Assert.Equal("fails", after[d]["verdict"]);
            Assert.Contains("policy_required: no NetworkPolicy enforcement (policy=none [", after[d]["reason"], StringComparison.Ordinal);
            Assert.Equal("", after[d]["rr_p50_us"]); // not run
        });
        var first = Advice(with)[0];
        Assert.Equal("recommended", first["verdict"]);
        Assert.DoesNotContain(first["datapath"], policyLess);
        Assert.Contains("policy: policy=", first["reason"], StringComparison.Ordinal);
    }

    [Fact]
    public void Include_failing_measures_the_failing_datapaths_and_keeps_them_below_the_eligible()
    {
        string outDir = Path.Combine(_dir, "failing");
        var (code, stdout, stderr) = Netsim("advise", Exercise("startup.yaml"), "--set", "policy_required=true", "--include-failing", "--replications", "1", "--out", outDir);
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        var rows = Advice(outDir);
        var flannel = rows.Single(r => r["datapath"] == "flannel-vxlan");
        Assert.Equal("fails", flannel["verdict"]);
        Assert.NotEqual("", flannel["cpu_us_per_gbit"]);
        Assert.Contains("measured anyway: CPU per Gbit/s", flannel["reason"], StringComparison.Ordinal);
        int lastEligible = rows.FindLastIndex(r => r["verdict"] is "recommended" or "eligible"), firstFailing = rows.FindIndex(r => r["verdict"] == "fails");
        Assert.True(lastEligible < firstFailing, $"{lastEligible} {firstFailing}");
        // compare.csv and its charts put every measured datapath against the recommended one.
        var compare = CsvTable.Read<NetSim.Reporting.Records.ComparisonRow>(Path.Combine(outDir, "compare.csv"));
        Assert.All(compare, c => Assert.Equal(rows[0]["datapath"], c.Baseline));
        Assert.Contains(compare, c => c.Datapath == "flannel-vxlan");
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(outDir, "charts"), "*.png"));
    }

    [Fact]
    public void The_same_requirements_and_seed_give_byte_identical_answers()
    {
        string a = Path.Combine(_dir, "a"), b = Path.Combine(_dir, "b");
        foreach (string dir in new[] { a, b })
            Assert.Equal(0, Netsim("advise", Exercise("startup.yaml"), "--replications", "1", "--no-charts", "--out", dir).Code);
        foreach (string f in new[] { "advice.csv", "advice.md", "runs.csv", "summary.csv", "scenario.yaml" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(a, f)), File.ReadAllBytes(Path.Combine(b, f)));
    }

    [Theory]
    [InlineData("name: x\nnodes: 3\npods: 30\npriorty: cpu\n", "x.yaml:4: priorty: unknown field (did you mean 'priority'?)")]
    [InlineData("nodes: 3\npods: 30\npriority: speed\n", "x.yaml:3: priority: 'speed' is not one of throughput, latency, cpu")]
    [InlineData("pods: 30\n", "nodes: is required")]
    [InlineData("nodes: 10\npods: 5\n", "x.yaml:2: pods: 5 pods on 10 nodes")]
    [InlineData("nodes: 3\npods: 30\npolicy_required: maybe\n", "x.yaml:3: policy_required")]
    [InlineData("nodes: 3\npods: 30\nfabric: mesh\n", "x.yaml:3: fabric: 'mesh' is not one of l2, routed")]
    [InlineData("nodes: 3\npods: 30\nnic_rate: fast\n", "x.yaml:3: nic_rate")]
    [InlineData("- a list\n", "x.yaml")]
    public void Bad_requirements_give_one_line_naming_file_line_and_field_and_exit_2(string yaml, string words)
    {
        string file = Path.Combine(_dir, "x.yaml");
        File.WriteAllText(file, yaml);
        string outDir = Path.Combine(_dir, "out");
        var (code, stdout, stderr) = Netsim("advise", file, "--out", outDir);
        Assert.True(code == 2, $"exit {code}: {stderr}\n{stdout}");
        Assert.Contains(words, stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.False(Directory.Exists(outDir));
    }

    [Theory]
    [InlineData("--replications|0", "--replications must be between 1 and 30")]
    [InlineData("--set|priority=fast", "--set priority=fast")]
    [InlineData("--set|nodez=3", "nodez")]
    [InlineData("--scenario|{dir}/missing.yaml", "file not found")]
    public void Bad_options_give_one_line_and_exit_2(string args, string words)
    {
        var list = new List<string> { "advise", Exercise("startup.yaml") };
        list.AddRange(args.Replace("{dir}", _dir, StringComparison.Ordinal).Split('|'));
        var (code, stdout, stderr) = Netsim([.. list]);
        Assert.True(code == 2, $"exit {code}: {stderr}\n{stdout}");
        Assert.Contains(words, stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public void Without_requirements_or_with_features_and_requirements_it_is_bad_input()
    {
        Assert.Equal(2, Netsim("advise").Code);
        Assert.Equal(2, Netsim("advise", Exercise("startup.yaml"), "--features").Code);
    }

    [Fact]
    public void The_docs_page_shows_the_matrix_as_advise_features_prints_it()
    {
        var (code, stdout, _) = Netsim("advise", "--features");
        Assert.Equal(0, code);
        Assert.Equal(FeatureMatrix.Bundled.Markdown(), stdout);
        string page = File.ReadAllText(Path.Combine(CalibrateCommandTests.Repo(), "docs", "cni-features.md"));
        const string begin = "<!-- cni-features:begin (generated by: netsim advise --features) -->\n", end = "<!-- cni-features:end -->";
        int from = page.IndexOf(begin, StringComparison.Ordinal) + begin.Length, to = page.IndexOf(end, StringComparison.Ordinal);
        Assert.True(from >= begin.Length && to > from, "docs/cni-features.md lacks the generated section");
        Assert.Equal(stdout, page[from..to]);
    }

    [Fact]
    public void A_given_scenario_is_run_instead_of_the_derived_one()
    {
        string outDir = Path.Combine(_dir, "given");
        string scenario = Path.Combine(CalibrateCommandTests.Repo(), "scenarios", "overlay-overhead.yaml");
        var (code, stdout, stderr) = Netsim("advise", Exercise("startup.yaml"), "--scenario", scenario, "--replications", "1", "--no-charts", "--out", outDir);
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        Assert.Contains("given scenario", stdout, StringComparison.Ordinal);
        Assert.Contains("name: overlay-overhead", File.ReadAllText(Path.Combine(outDir, "scenario.yaml")), StringComparison.Ordinal);
        Assert.Equal("flannel-vxlan", Advice(outDir)[0]["datapath"]);
    }

    /// <summary>The README's advise example, run as written (two replications), says what the README says it says.</summary>
    [Fact]
    public void The_readme_example_answers_as_the_readme_says()
    {
        string raw = File.ReadAllText(Path.Combine(CalibrateCommandTests.Repo(), "README.md"));
        Assert.Contains("netsim advise scenarios/exercises/startup.yaml\n", raw, StringComparison.Ordinal);
        string readme = System.Text.RegularExpressions.Regex.Replace(raw, @"\s+", " ");
        string outDir = Path.Combine(_dir, "readme");
        var (code, stdout, stderr) = Netsim("advise", Exercise("startup.yaml"), "--out", outDir, "--no-charts");
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        var rows = Advice(outDir);
        Assert.Equal("flannel-vxlan", rows[0]["datapath"]);
        string cpu = Ranking.Num(double.Parse(rows[0]["cpu_us_per_gbit"], System.Globalization.CultureInfo.InvariantCulture));
        string best = rows.Where(r => r["verdict"] == "eligible").OrderBy(r => double.Parse(r["cpu_us_per_gbit"], System.Globalization.CultureInfo.InvariantCulture)).First()["datapath"];
        Assert.Contains($"flannel-vxlan first ({cpu} ± ", readme, StringComparison.Ordinal);
        Assert.Contains($"lowest CPU per Gbit/s is {best}'s", readme, StringComparison.Ordinal);
    }
}
