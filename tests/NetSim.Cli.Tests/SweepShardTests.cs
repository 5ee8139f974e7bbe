using System.Diagnostics;
using k8s;
using k8s.Models;
using NetSim.Experiments.Sweeps;
using NetSim.Reporting.Csv;
using NetSim.Reporting.Records;

namespace NetSim.Cli.Tests;

/// <summary>netsim sweep --shard, sweep merge and --emit: a sweep cut into shards and put back together is the whole sweep, byte for byte.</summary>
public sealed class SweepShardTests : IDisposable
{
    private const string Sweep = SweepCommandTests.Sweep;

    private readonly CliHarness _h = new();

    public SweepShardTests() => _ = _h.ScenarioFile;

    private string SweepFile(string text = Sweep) => _h.Write("kps.sweep.yaml", text);

    public void Dispose() => _h.Dispose();

    private static (int Code, string Stdout, string Stderr) Netsim(params string[] args) => CliHarness.Run(new FormulaRunner(), args);

    /// <summary>Every file under <paramref name="dir"/>, by its path relative to it.</summary>
    private static SortedDictionary<string, byte[]> Files(string dir) =>
        new(Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(dir, f), File.ReadAllBytes), StringComparer.Ordinal);

    private static void AssertSameFiles(string expected, string actual)
    {
        var a = Files(expected);
        var b = Files(actual);
        Assert.Equal(a.Keys, b.Keys);
        foreach (var (name, bytes) in a) Assert.True(bytes.AsSpan().SequenceEqual(b[name]), $"{name} differs");
    }

    private (string Whole, string[] Shards) WholeAndShards(string sweep, int n)
    {
        string whole = _h.Out("whole");
        var (code, _, stderr) = Netsim("sweep", sweep, "--out", whole, "--jobs", "2");
        Assert.True(code == 0, stderr);
        var shards = Enumerable.Range(0, n).Select(i => _h.Out($"shards/shard-{i}")).ToArray();
        for (int i = 0; i < n; i++)
        {
            (code, _, stderr) = Netsim("sweep", sweep, "--shard", $"{i}/{n}", "--out", shards[i], "--no-charts");
            Assert.True(code == 0, stderr);
        }
        return (whole, shards);
    }

    [Fact]
    public void A_sweep_run_as_three_shards_and_merged_writes_the_whole_sweeps_files_byte_for_byte()
    {
        var (whole, shards) = WholeAndShards(SweepFile(), 3);
        // Shard 1 of 3 runs points 1 and 4, each with its three replications (runs 3-5 and 12-14), and says so in shard.csv.
        var plan = CsvTable.Read<SweepPlanRow>(Path.Combine(shards[1], "manifest.csv"));
        Assert.Equal([3, 4, 5, 12, 13, 14], plan.Select(r => r.Run));
        Assert.Equal(["point-0001.yaml", "point-0004.yaml"], Directory.GetFiles(Path.Combine(shards[1], "points")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var m = CsvTable.Read<ShardManifest>(Path.Combine(shards[1], ShardManifest.FileName)).Single();
        Assert.Equal((1, 3, 6, 3), (m.Shard, m.Shards, m.Points, m.Replications));

        string merged = _h.Out("merged");
        var (code, stdout, stderr) = Netsim("sweep", "merge", shards[2], shards[0], shards[1], "--out", merged);
        Assert.True(code == 0, stderr);
        Assert.Contains("3 shards merged, 6 points × 3 replications = 18 runs", stdout, StringComparison.Ordinal);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(merged, "charts")));
        AssertSameFiles(whole, merged); // manifest, sweep file, points, every run, sweep.csv and every chart
    }

    [Fact]
    public void Shards_are_disjoint_cover_every_point_and_keep_a_points_replications_together()
    {
        var random = new Random(20);
        for (int trial = 0; trial < 300; trial++)
        {
            int points = random.Next(1, 400), replications = random.Next(1, 6), n = random.Next(1, points + 1);
            var all = Enumerable.Range(0, points).Select(p => new SweepPlan.PlannedPoint(p, $"x={p}", "sha")).ToList();
            var whole = SweepPlan.Build(all, replications, 7, "drawn");
            var owner = new int[points];
            Array.Fill(owner, -1);
            var fromShards = new List<SweepPlanRow>();
            for (int i = 0; i < n; i++)
            {
                var shard = new SweepShard(i, n);
                var mine = shard.Points(points).ToList();
                foreach (int p in mine)
                {
                    Assert.True(owner[p] == -1, $"point {p} of {points} in shards {owner[p]} and {i} of {n}");
                    owner[p] = i;
                    Assert.True(shard.Owns(p));
                }
                // Between n and n+1 points' difference at most one point: shards are even.
                Assert.InRange(mine.Count, points / n, (points / n) + 1);
                fromShards.AddRange(SweepPlan.Build(mine.Select(p => all[p]), replications, 7, "drawn"));
            }
            Assert.DoesNotContain(-1, owner);
            Assert.Equal(whole, fromShards.OrderBy(r => r.Run));
            Assert.All(fromShards.GroupBy(r => r.Point), g => Assert.Equal(replications, g.Count()));
        }
    }

    [Fact]
    public void Merge_refuses_shards_that_do_not_make_one_whole_sweep_and_writes_nothing()
    {
        string sweep = SweepFile();
        var shards = Enumerable.Range(0, 3).Select(i => _h.Out($"s{i}")).ToArray();
        for (int i = 0; i < 3; i++) Assert.Equal(0, Netsim("sweep", sweep, "--shard", $"{i}/3", "--out", shards[i], "--no-charts").Code);
        string other = _h.Out("other");
        Assert.Equal(0, Netsim("sweep", SweepFile(Sweep.Replace("replications: 3", "replications: 2", StringComparison.Ordinal)), "--shard", "2/3", "--out", other, "--no-charts").Code);
        string incomplete = _h.Out("incomplete");
        SweepFile();
        Assert.Equal(0, Netsim("sweep", sweep, "--shard", "2/3", "--out", incomplete, "--no-charts").Code);
        File.Delete(Path.Combine(incomplete, "runs", "run-00007.csv"));
        string whole = _h.Out("whole-sweep");
        Assert.Equal(0, Netsim("sweep", sweep, "--out", whole, "--no-charts").Code);

        string outDir = _h.Out("merged");
        void Refused(string words, params string[] dirs)
        {
            var (code, _, stderr) = Netsim(["sweep", "merge", .. dirs, "--out", outDir]);
            CliHarness.AssertRefused(code, stderr, words);
            Assert.False(Directory.Exists(outDir), $"{words}: --out was written");
        }
        Refused("shard 1/3 of the sweep is missing (2 of 3 given)", shards[0], shards[2]);
        Refused("shard 0/3 is given twice", shards[0], shards[1], shards[2], shards[0]);
        Refused($"{other} is a shard of another sweep: different sweep file", shards[0], shards[1], other);
        Refused("shard 2/3 (" + incomplete + ") is incomplete: 1 of 6 runs have no whole file (first: runs/run-00007.csv)", shards[0], shards[1], incomplete);
        Refused($"{whole} is not a sweep shard (no shard.csv", shards[0], whole);
        Refused("merge: /nonexistent is not a directory", shards[0], "/nonexistent");
        var r = Netsim("sweep", "merge", shards[0], shards[1], shards[2]);
        CliHarness.AssertRefused(r.Code, r.Stderr, "merge needs --out DIR");
        // And the bad --shard values, before anything runs.
        r = Netsim("sweep", sweep, "--shard", "3/3", "--out", _h.Out("x"));
        CliHarness.AssertRefused(r.Code, r.Stderr, "--shard '3/3' is not I/N with 0 ≤ I < N");
        r = Netsim("sweep", sweep, "--shard", "0/7", "--out", _h.Out("x"));
        CliHarness.AssertRefused(r.Code, r.Stderr, "the sweep has 6 points, so at most 6 shards");
        Assert.False(Directory.Exists(_h.Out("x")));
    }

    [Fact]
    public void The_emitted_kubernetes_job_is_a_valid_indexed_job_whose_pods_run_the_shards_that_merge_into_the_whole_sweep()
    {
        string sweep = SweepFile();
        string manifest = _h.Out("kps.job.yaml");
        var (code, stdout, stderr) = Netsim("sweep", sweep, "--emit", "kubernetes", "--shards", "3", "--parallelism", "2", "--image", "registry.example/netsim:0.1", "--out", manifest);
        Assert.True(code == 0, stderr);
        Assert.Contains("kubectl apply -f", stdout, StringComparison.Ordinal);

        // Read back strictly with the Kubernetes client's own models (an unknown field or a value of the wrong type throws):
        // the object the API server would receive, with every field the API marks required present.
        Assert.EndsWith("claimName: netsim-results\n", File.ReadAllText(manifest), StringComparison.Ordinal);
        var job = KubernetesYaml.Deserialize<V1Job>(File.ReadAllText(manifest), strict: true);
        AssertRequiredFields(job);
        Assert.Equal(("batch/v1", "Job", "netsim-sweep-kps"), (job.ApiVersion, job.Kind, job.Metadata.Name));
        Assert.Equal("Indexed", job.Spec.CompletionMode);
        Assert.Equal((3, 2), (job.Spec.Completions, job.Spec.Parallelism));
        var pod = job.Spec.Template.Spec;
        Assert.Equal("Never", pod.RestartPolicy); // what a podFailurePolicy requires
        var c = Assert.Single(pod.Containers);
        Assert.Equal("registry.example/netsim:0.1", c.Image);
        var index = Assert.Single(c.Env);
        Assert.Equal(("JOB_COMPLETION_INDEX", "metadata.annotations['batch.kubernetes.io/job-completion-index']"), (index.Name, index.ValueFrom.FieldRef.FieldPath));
        var mount = Assert.Single(c.VolumeMounts);
        var volume = Assert.Single(pod.Volumes, v => v.Name == mount.Name);
        Assert.Equal("netsim-results", volume.PersistentVolumeClaim.ClaimName);
        Assert.Equal("/results", mount.MountPath);
        Assert.Equal("1", c.Resources.Requests["cpu"].ToString());
        Assert.Equal([1, 2], job.Spec.PodFailurePolicy.Rules[0].OnExitCodes.Values);
        Assert.Equal(c.Name, job.Spec.PodFailurePolicy.Rules[0].OnExitCodes.ContainerName);
        // Round trip: the models write back what was read.
        Assert.Equal(KubernetesYaml.Serialize(job), KubernetesYaml.Serialize(KubernetesYaml.Deserialize<V1Job>(KubernetesYaml.Serialize(job))));

        // Each pod's arguments, with its index as the kubelet expands $(JOB_COMPLETION_INDEX) and /results on this machine.
        var (whole, _) = WholeAndShards(sweep, 1);
        var dirs = new List<string>();
        for (int i = 0; i < job.Spec.Completions; i++)
        {
            string[] args = [.. c.Args.Select(x => x.Replace("$(JOB_COMPLETION_INDEX)", i.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
                                              .Replace("/results/", _h.Dir + "/volume/", StringComparison.Ordinal))];
            Assert.Equal(["sweep", sweep, "--shard", $"{i}/3"], args[..4]);
            (code, _, stderr) = Netsim(args);
            Assert.True(code == 0, stderr);
            dirs.Add(args[Array.IndexOf(args, "--out") + 1]);
        }
        Assert.All(dirs, d => Assert.StartsWith(_h.Dir + "/volume/netsim-sweep-kps/shard-", d, StringComparison.Ordinal));
        string merged = _h.Out("merged");
        (code, _, stderr) = Netsim(["sweep", "merge", .. dirs, "--out", merged]);
        Assert.True(code == 0, stderr);
        AssertSameFiles(whole, merged);
    }

    [Fact]
    public void The_emitted_slurm_script_runs_the_real_netsim_as_an_array_whose_shards_merge_into_the_whole_sweep()
    {
        string sweep = SweepFile(Sweep.Replace("replications: 3", "replications: 1", StringComparison.Ordinal).Replace("duration=50ms", "duration=2ms", StringComparison.Ordinal)
            .Replace("{log: [10, 1000, 3]}", "[10, 20]", StringComparison.Ordinal));
        _h.Write("overlay.yaml", CliHarness.Scenario.Replace("warmup: 10ms", "warmup: 1ms", StringComparison.Ordinal));
        var (code, _, stderr) = CliHarness.Run(RunnerFactory.Create(), "sweep", sweep, "--emit", "slurm", "--shards", "3", "--parallelism", "2", "--out", _h.Out("kps.slurm.sh"));
        Assert.True(code == 0, stderr);
        string script = File.ReadAllText(_h.Out("kps.slurm.sh"));
        Assert.Contains("#SBATCH --array=0-2%2\n", script, StringComparison.Ordinal);
        Assert.Contains("--shard \"${SLURM_ARRAY_TASK_ID}/3\"", script, StringComparison.Ordinal);
        Assert.Equal(0, Bash(["-n", "kps.slurm.sh"], null).Code);
        Assert.NotEqual(0, Bash(["kps.slurm.sh"], null).Code); // outside sbatch it says so instead of running shard ""

        // Each array task as Slurm starts it: the script with SLURM_ARRAY_TASK_ID set, the real netsim binary.
        for (int i = 0; i < 3; i++)
        {
            var (c, output) = Bash(["kps.slurm.sh"], i);
            Assert.True(c == 0, output);
        }
        string whole = _h.Out("whole");
        (code, _, stderr) = CliHarness.Run(RunnerFactory.Create(), "sweep", sweep, "--out", whole, "--no-charts", "--jobs", "1");
        Assert.True(code == 0, stderr);
        string results = _h.Out("results/netsim-sweep-kps");
        string merged = _h.Out("merged");
        (code, _, stderr) = CliHarness.Run(RunnerFactory.Create(), ["sweep", "merge", .. Directory.GetDirectories(results, "shard-*"), "--out", merged, "--no-charts"]);
        Assert.True(code == 0, stderr);
        AssertSameFiles(whole, merged);
    }

    /// <summary>
    /// The fields the Kubernetes API reference (kubernetes.io/docs/reference/kubernetes-api/, workload-resources/job-v1,
    /// pod-v1, container fields, volumes) marks required, for every object type the emitted Job uses.
    /// </summary>
    private static readonly Dictionary<Type, string[]> Required = new()
    {
        [typeof(V1JobSpec)] = [nameof(V1JobSpec.Template)],
        [typeof(V1PodSpec)] = [nameof(V1PodSpec.Containers)],
        [typeof(V1Container)] = [nameof(V1Container.Name)],
        [typeof(V1EnvVar)] = [nameof(V1EnvVar.Name)],
        [typeof(V1ObjectFieldSelector)] = [nameof(V1ObjectFieldSelector.FieldPath)],
        [typeof(V1VolumeMount)] = [nameof(V1VolumeMount.Name), nameof(V1VolumeMount.MountPath)],
        [typeof(V1Volume)] = [nameof(V1Volume.Name)],
        [typeof(V1PersistentVolumeClaimVolumeSource)] = [nameof(V1PersistentVolumeClaimVolumeSource.ClaimName)],
        [typeof(V1PodFailurePolicy)] = [nameof(V1PodFailurePolicy.Rules)],
        [typeof(V1PodFailurePolicyRule)] = [nameof(V1PodFailurePolicyRule.Action)],
        [typeof(V1PodFailurePolicyOnExitCodesRequirement)] = [nameof(V1PodFailurePolicyOnExitCodesRequirement.OperatorProperty), nameof(V1PodFailurePolicyOnExitCodesRequirement.Values)],
        [typeof(V1PodFailurePolicyOnPodConditionsPattern)] = [nameof(V1PodFailurePolicyOnPodConditionsPattern.Type), nameof(V1PodFailurePolicyOnPodConditionsPattern.Status)],
    };

    /// <summary>Walks the object graph: each object's required fields are set (non-empty), and the Job's own identity.</summary>
    private static void AssertRequiredFields(V1Job job)
    {
        Assert.False(string.IsNullOrEmpty(job.ApiVersion) || string.IsNullOrEmpty(job.Kind) || string.IsNullOrEmpty(job.Metadata?.Name), "apiVersion, kind and metadata.name");
        var seen = new HashSet<Type>();
        void Walk(object? o, string path)
        {
            if (o is null || o is string || o.GetType().IsPrimitive || o is ResourceQuantity) return;
            if (o is System.Collections.IDictionary) return;
            if (o is System.Collections.IEnumerable list)
            {
                int i = 0;
                foreach (object? item in list) Walk(item, $"{path}[{i++}]");
                return;
            }
            seen.Add(o.GetType());
            foreach (string name in Required.GetValueOrDefault(o.GetType(), []))
            {
                object? v = o.GetType().GetProperty(name)!.GetValue(o);
                Assert.False(v is null || (v is string t && t.Length == 0) || (v is System.Collections.ICollection { Count: 0 }), $"{path}.{name} is required");
            }
            foreach (var p in o.GetType().GetProperties().Where(p => p.GetIndexParameters().Length == 0)) Walk(p.GetValue(o), $"{path}.{p.Name}");
        }
        Walk(job.Spec, "spec");
        Assert.Superset(Required.Keys.ToHashSet(), seen.Where(Required.ContainsKey).ToHashSet());
        Assert.Equal(Required.Count, seen.Count(Required.ContainsKey)); // every required-field rule was exercised
    }

    private (int Code, string Output) Bash(string[] args, int? task)
    {
        var psi = new ProcessStartInfo("bash") { WorkingDirectory = _h.Dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) psi.ArgumentList.Add(a);
        psi.Environment["NETSIM"] = $"dotnet {Path.Combine(AppContext.BaseDirectory, "netsim.dll")}";
        if (task is { } t) psi.Environment["SLURM_ARRAY_TASK_ID"] = t.ToString(System.Globalization.CultureInfo.InvariantCulture);
        else psi.Environment.Remove("SLURM_ARRAY_TASK_ID");
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stderr + stdout.Result);
    }

    [Fact]
    public void The_readme_example_shards_and_merges_into_exactly_what_the_whole_sweep_writes()
    {
        string repo = CalibrateCommandTests.Repo();
        var example = DocumentedExamplesTests.ReadmeExamples().Where(e => e.Contains(" --shard ", StringComparison.Ordinal) || e.StartsWith("netsim sweep merge ", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, example.Count); // three shards, then the merge
        string merged = "";
        foreach (string line in example)
        {
            // As written, in this test's directory (the in-process runs see the repository's scenarios by their full path).
            string[] args = [.. DocumentedExamplesTests.Words(line).Select(w => w.StartsWith("scenarios/", StringComparison.Ordinal) ? Path.Combine(repo, w)
                                                                         : w.StartsWith("results/", StringComparison.Ordinal) ? Path.Combine(_h.Dir, w) : w)];
            var (code, _, stderr) = Netsim(args);
            Assert.True(code == 0, $"{line}: {stderr}");
            if (args[1] == "merge") merged = args[^1];
        }
        string whole = _h.Out("whole");
        Assert.Equal(0, Netsim("sweep", Path.Combine(repo, "scenarios", "sweeps", "kube-proxy-modes.yaml"), "--out", whole).Code);
        AssertSameFiles(whole, merged);
    }

    [Fact]
    public void A_merged_sweep_of_many_points_prints_its_first_rows_and_says_how_many_more_are_in_sweep_csv()
    {
        string sweep = SweepFile(Sweep.Replace("replications: 3", "replications: 1", StringComparison.Ordinal).Replace("{log: [10, 1000, 3]}", "{linear: [10, 400, 40]}", StringComparison.Ordinal));
        var dirs = new[] { _h.Out("s0"), _h.Out("s1") };
        for (int i = 0; i < 2; i++) Assert.Equal(0, Netsim("sweep", sweep, "--shard", $"{i}/2", "--out", dirs[i], "--no-charts").Code);
        string merged = _h.Out("merged");
        var (code, stdout, stderr) = Netsim("sweep", "merge", dirs[0], dirs[1], "--out", merged, "--no-charts");
        Assert.True(code == 0, stderr);
        // 80 points, each with several groups: the table stops at 60 rows (its last points are not printed) and says how many
        // are left to sweep.csv, which has every point.
        var m = System.Text.RegularExpressions.Regex.Match(stdout, @"([\d,]+) more rows \(point × group\) are in (\S+)\n");
        Assert.True(m.Success, stdout);
        Assert.True(int.Parse(m.Groups[1].Value, System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture) >= 80);
        Assert.Equal(Path.Combine(merged, "sweep.csv"), m.Groups[2].Value);
        Assert.DoesNotContain("services[0].count=400", stdout, StringComparison.Ordinal);
        var rows = CsvTable.ReadRaw(Path.Combine(merged, "sweep.csv")).Rows;
        Assert.Equal(80, rows.Select(r => r[0]).Distinct().Count());
    }

    [Fact]
    public void The_dockerfile_builds_the_image_the_jobs_run_from_the_official_dotnet_images()
    {
        string repo = CalibrateCommandTests.Repo();
        var lines = File.ReadAllLines(Path.Combine(repo, "Dockerfile")).Where(l => !l.StartsWith('#') && l.Trim().Length > 0).ToList();
        var from = lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build", "FROM mcr.microsoft.com/dotnet/runtime:10.0"], from);
        Assert.Contains("RUN dotnet publish src/Cli -c Release -o /app --nologo", lines);
        Assert.Contains("COPY --from=build /app /app", lines);
        Assert.Contains("ENTRYPOINT [\"dotnet\", \"/app/netsim.dll\"]", lines);
        // The jobs name sweep files as the repository does, from the image's working directory, which holds them.
        Assert.Contains("WORKDIR /netsim", lines);
        Assert.Contains("COPY scenarios ./scenarios", lines);
        Assert.Contains("COPY profiles ./profiles", lines);
        Assert.True(File.Exists(Path.Combine(repo, "src", "Cli", "NetSim.Cli.csproj")));
        Assert.Contains("<AssemblyName>netsim</AssemblyName>", File.ReadAllText(Path.Combine(repo, "src", "Cli", "NetSim.Cli.csproj")), StringComparison.Ordinal);
    }
}
