namespace NetSim.Cli.Tests;

/// <summary>
/// netsim plan end to end: the seed's exercise 2 as the README shows it, its scenarios through validate and a
/// (shortened) run, and requirements that cannot be met or are malformed: exit 2, one line, nothing written.
/// </summary>
public sealed class PlanCommandTests : IDisposable
{
    private readonly CliHarness _h = new();

    public void Dispose() => _h.Dispose();

    private static string ExerciseTwo => Path.Combine(CalibrateCommandTests.Repo(), "scenarios", "exercises", "address-plan.yaml");

    private static (int Code, string Stdout, string Stderr) Netsim(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Program.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Exercise_two_plans_writes_scenarios_that_validate_and_run()
    {
        string dir = _h.Out("plan");
        var (code, stdout, stderr) = Netsim("plan", ExerciseTwo, "--out", dir);
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        Assert.Contains("overlaps: none among 10 prefixes", stdout, StringComparison.Ordinal);
        Assert.Contains("runs out first: Service IPs", stdout, StringComparison.Ordinal);
        string report = File.ReadAllText(Path.Combine(dir, "report.md"));
        Assert.Contains("| dev | dev | 10.0.0.0/17 | 10.0.65.0/26 | 10.0.0.0/18 | 10.0.64.0/24 |", report, StringComparison.Ordinal);
        Assert.Contains("Overlaps: none.", report, StringComparison.Ordinal);
        Assert.StartsWith("netsim plan ", File.ReadAllText(Path.Combine(dir, "command.txt")), StringComparison.Ordinal);
        AssertScenariosValidateAndProdRuns(dir, ["dev", "staging", "prod"], "23 nodes, datapath flannel-vxlan");
    }

    /// <summary>Each environment's scenario passes netsim validate (saying <paramref name="summary"/>); prod runs (shortened) with packets conserved.</summary>
    private static string AssertScenariosValidateAndProdRuns(string dir, string[] environments, string summary)
    {
        foreach (string env in environments)
        {
            var v = Netsim("validate", Path.Combine(dir, $"{env}.yaml"));
            Assert.True(v.Code == 0, $"{env}: exit {v.Code}: {v.Stderr}");
            Assert.Contains(summary, v.Stdout, StringComparison.Ordinal);
        }
        var run = Netsim("run", Path.Combine(dir, "prod.yaml"), "--set", "duration=3ms");
        Assert.True(run.Code == 0, $"run: exit {run.Code}: {run.Stderr}\n{run.Stdout}");
        Assert.Contains("packet conservation", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("holds", run.Stdout, StringComparison.Ordinal);
        return run.Stdout;
    }

    /// <summary>The README's exercise-2 example, run as written, says what the README says it says.</summary>
    [Fact]
    public void The_readme_example_prints_what_the_readme_quotes()
    {
        string readme = File.ReadAllText(Path.Combine(CalibrateCommandTests.Repo(), "README.md"));
        string section = readme[readme.IndexOf("## Exercise 2", StringComparison.Ordinal)..readme.IndexOf("## Layout", StringComparison.Ordinal)];
        string example = Assert.Single(DocumentedExamplesTests.ReadmeExamples(), e => e.StartsWith("netsim plan ", StringComparison.Ordinal));
        Assert.Contains(example, section, StringComparison.Ordinal);
        var args = DocumentedExamplesTests.Words(example);
        args[1] = Path.Combine(CalibrateCommandTests.Repo(), args[1]);
        args[3] = _h.Out("address-plan");
        var (code, stdout, stderr) = Netsim(args);
        Assert.True(code == 0, stderr);
        foreach (string quoted in new[] { "10.0.0.0/18", "10.0.64.0/24", "10.0.65.0/26", "10.1.128.0/24", "2.4 times" })
        {
            Assert.Contains(quoted, section, StringComparison.Ordinal);
            Assert.Contains(quoted.Replace("2.4 times", "×2.4", StringComparison.Ordinal), stdout, StringComparison.Ordinal);
        }
        // The README rounds the utilizations: 45 % of the pods' room, 80 % of the Service CIDR.
        Assert.Contains("use 45 %", section, StringComparison.Ordinal);
        Assert.Contains("80 %", section, StringComparison.Ordinal);
        Assert.Contains("45.5 %", stdout, StringComparison.Ordinal);
        Assert.Contains("79.5 %", stdout, StringComparison.Ordinal);
        string report = File.ReadAllText(Path.Combine(_h.Out("address-plan"), "report.md"));
        Assert.Contains("| dev | dev | 10.0.0.0/17 |", report, StringComparison.Ordinal);
        Assert.Contains("10.0.128.0/17", section, StringComparison.Ordinal);
        Assert.Contains("10.0.0.0/17", section, StringComparison.Ordinal);
        Assert.Contains("10.1.0.0/17", section, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_out_it_prints_the_plan_and_writes_nothing()
    {
        var (code, stdout, stderr) = Netsim("plan", ExerciseTwo);
        Assert.True(code == 0, stderr);
        Assert.Contains("10.1.128.0/24", stdout, StringComparison.Ordinal); // the management network
        Assert.Empty(Directory.EnumerateFileSystemEntries(_h.Dir));
    }

    [Fact]
    public void Requirements_no_plan_can_meet_exit_2_with_the_smallest_change_and_write_nothing()
    {
        string req = _h.Write("tight.yaml", File.ReadAllText(ExerciseTwo).Replace("max_pods: 110 ", "max_pods: 40  ", StringComparison.Ordinal));
        string dir = _h.Out("plan");
        var (code, _, stderr) = Netsim("plan", req, "--out", dir);
        string line = CliHarness.AssertRefused(code, stderr, "tight.yaml:15: max_pods: cannot be met: cluster dev: 2000 pods after growth on 40 workers is 50 per node, above max_pods 40");
        Assert.Contains("smallest change: max_pods: 40 → 50 (or workers in cluster dev: 20 → 25)", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void Avoiding_all_of_10_8_moves_the_plan_and_avoiding_everything_suggests_the_shared_space()
    {
        string text = File.ReadAllText(ExerciseTwo);
        string moved = _h.Write("moved.yaml", text.Replace("avoid: [192.168.0.0/16]", "avoid: [192.168.0.0/16, 10.0.0.0/8]", StringComparison.Ordinal));
        var ok = Netsim("plan", moved);
        Assert.True(ok.Code == 0, ok.Stderr);
        Assert.Contains("172.16.0.0/18", ok.Stdout, StringComparison.Ordinal);
        string full = _h.Write("full.yaml", text.Replace("avoid: [192.168.0.0/16]", "avoid: [192.168.0.0/16, 10.0.0.0/8, 172.16.0.0/12]", StringComparison.Ordinal));
        var (code, _, stderr) = Netsim("plan", full);
        string line = CliHarness.AssertRefused(code, stderr, "full.yaml:27: avoid: cannot be met: no free /17 left for cluster dev");
        Assert.Contains("smallest change: allow_shared_address_space: true", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("growth: 2 ", "grwoth: 2 ", "bad.yaml:14: grwoth: unknown field (did you mean 'growth'?)")]
    [InlineData("node_mask: 24", "node_mask: 31", "bad.yaml:18: cni.node_mask: 31 is out of range (8..30)")]
    [InlineData("avoid: [192.168.0.0/16]", "avoid: [192.168.0.0/33]", "bad.yaml:27: avoid: '192.168.0.0/33' has a bad prefix length")]
    public void Bad_requirements_exit_2_naming_file_line_and_field(string from, string to, string message)
    {
        string req = _h.Write("bad.yaml", File.ReadAllText(ExerciseTwo).Replace(from, to, StringComparison.Ordinal));
        var (code, _, stderr) = Netsim("plan", req, "--out", _h.Out("plan"));
        CliHarness.AssertRefused(code, stderr, message);
        Assert.False(Directory.Exists(_h.Out("plan")));
    }

    /// <summary>The flags that say what scenarios/exercises/address-plan.yaml says.</summary>
    private static readonly string[] ExerciseTwoFlags =
    [
        "--name", "address-plan", "--nodes", "20", "--control-plane", "3", "--pods", "1000", "--services", "100", "--growth", "2",
        "--max-pods", "110", "--environments", "dev,staging,prod", "--management", "80", "--avoid", "192.168.0.0/16", "--cni", "host-local",
    ];

    [Fact]
    public void The_flags_form_of_exercise_two_writes_the_same_plan_bytes()
    {
        string fromFile = _h.Out("file"), fromFlags = _h.Out("flags");
        var a = Netsim("plan", ExerciseTwo, "--out", fromFile);
        Assert.True(a.Code == 0, a.Stderr);
        var b = Netsim(["plan", .. ExerciseTwoFlags, "--out", fromFlags]);
        Assert.True(b.Code == 0, b.Stderr);
        // The printed plan is the same but for the last line, which names the output directory.
        Assert.Equal(a.Stdout.Replace(fromFile, "", StringComparison.Ordinal), b.Stdout.Replace(fromFlags, "", StringComparison.Ordinal));
        var files = Directory.GetFiles(fromFile).Select(f => Path.GetFileName(f)).Where(f => f != "command.txt").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["dev.yaml", "prod.yaml", "report.md", "staging.yaml"], files);
        Assert.Equal(files, Directory.GetFiles(fromFlags).Select(f => Path.GetFileName(f)).Where(f => f != "command.txt").Order(StringComparer.Ordinal));
        foreach (string f in files)
        {
            string expected = File.ReadAllText(Path.Combine(fromFile, f));
            // Only the report's source differs: the file's name, or the command.
            if (f == "report.md") expected = expected.Replace("From `address-plan.yaml`:", "From `netsim plan`:", StringComparison.Ordinal);
            Assert.Equal(expected, File.ReadAllText(Path.Combine(fromFlags, f)));
        }
    }

    [Fact]
    public void An_aws_plan_from_flags_writes_aws_vpc_cni_scenarios_that_validate_and_run()
    {
        string dir = _h.Out("aws");
        var (code, stdout, stderr) = Netsim("plan", "--nodes", "20", "--control-plane", "3", "--pods", "400", "--services", "100", "--growth", "2",
            "--environments", "dev,prod", "--cni", "aws-vpc", "--instance-type", "m5.xlarge", "--prefix-delegation", "--out", dir);
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        Assert.Contains("wrote ", stdout, StringComparison.Ordinal);
        Assert.Contains("datapath aws-vpc-cni on m5.xlarge", File.ReadAllText(Path.Combine(dir, "report.md")), StringComparison.Ordinal);
        string run = AssertScenariosValidateAndProdRuns(dir, ["dev", "prod"], "23 nodes, datapath aws-vpc-cni");
        Assert.Contains("note: aws-vpc-cni worker1 (m5.xlarge", run, StringComparison.Ordinal);
    }

    [Fact]
    public void Eni_limits_no_instance_type_has_plan_but_write_no_scenario_and_say_why()
    {
        string req = _h.Write("enis.yaml", File.ReadAllText(ExerciseTwo)
            .Replace("ipam: host-local", "ipam: aws-vpc\n  enis: 5\n  ips_per_eni: 13 #", StringComparison.Ordinal)
            .Replace("  node_mask: 24\n", "", StringComparison.Ordinal).Replace("  datapath: flannel-vxlan", "", StringComparison.Ordinal));
        string dir = _h.Out("plan");
        var (code, stdout, stderr) = Netsim("plan", req, "--out", dir);
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        string flat = string.Join(" ", stdout.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries)); // the console wraps long lines
        Assert.Contains("; no scenarios: no instance type in the VPC CNI's limits table has 5 ENIs × 13 IPv4", flat, StringComparison.Ordinal);
        Assert.Equal(["command.txt", "report.md"], Directory.GetFiles(dir).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(new[] { "--nodes", "20", "--pods", "many", "--cni", "host-local" }, "netsim plan: --pods: 'many' is not a whole number")]
    [InlineData(new[] { "--nodes", "20", "--pods", "100", "--cni", "aws-vpc" }, "netsim plan: --cni: cni.enis is required")]
    [InlineData(new[] { "--nodes", "20", "--pods", "100", "--cni", "weave" }, "netsim plan: --cni: 'weave' is not one of")]
    [InlineData(new[] { "--nodes", "20", "--pods", "100", "--cni", "host-local", "--environments", "dev,dev" }, "netsim plan: --environments: environment 'dev' is named twice")]
    [InlineData(new[] { "--pods", "100", "--cni", "host-local" }, "netsim plan: --nodes: ")]
    [InlineData(new[] { "--nodes", "20", "--pods", "3000", "--max-pods", "40", "--cni", "host-local" }, "netsim plan: --max-pods: cannot be met: cluster default: 3000 pods after growth on 20 workers")]
    [InlineData(new string[0], "give a requirements file or the requirement flags")]
    public void Bad_flags_exit_2_naming_the_flag(string[] flags, string message)
    {
        var (code, _, stderr) = Netsim(["plan", .. flags, "--out", _h.Out("plan")]);
        CliHarness.AssertRefused(code, stderr, message);
        Assert.False(Directory.Exists(_h.Out("plan")));
    }

    [Fact]
    public void A_file_and_flags_together_are_refused()
    {
        var (code, _, stderr) = Netsim("plan", ExerciseTwo, "--pods", "10");
        CliHarness.AssertRefused(code, stderr, "give a requirements file or the requirement flags, not both");
    }

    [Fact]
    public void Out_is_checked_before_planning()
    {
        string file = _h.Write("a-file", "x");
        var (code, _, stderr) = Netsim("plan", ExerciseTwo, "--out", file);
        CliHarness.AssertRefused(code, stderr, "is a file, not a directory");
    }
}
