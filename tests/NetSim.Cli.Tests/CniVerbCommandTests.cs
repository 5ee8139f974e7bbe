namespace NetSim.Cli.Tests;

/// <summary>
/// A CNI ADD that fails at run time is an outcome of the run (exit 0, the pod in events.csv with its CNI error), while
/// a configuration no plugin can load is bad input (exit 2 naming the field, nothing written).
/// </summary>
public sealed class CniVerbCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("netsim-cniverbs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Ipam_exhaustion_fails_two_pods_and_the_run_completes()
    {
        string outDir = Path.Combine(_dir, "out");
        var (code, stdout, stderr) = BundledScenarioEndToEndTests.Netsim("run",
            Path.Combine(BundledScenarioEndToEndTests.Repo(), "scenarios", "cni", "ipam-exhausted.yaml"), "--out", outDir, "--no-charts");
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        Assert.Contains("cni_add_failed web-4: on node1: FailedCreatePodSandBox, CNI ADD failed with CNI", stdout.Replace("\n", " ", StringComparison.Ordinal), StringComparison.Ordinal);
        var events = File.ReadAllLines(Path.Combine(outDir, "events.csv"));
        Assert.Equal(2, events.Count(l => l.Contains(",cni_add_failed,", StringComparison.Ordinal) && l.Contains("CNI error 999: failed to allocate for range 0: no IP addresses available in range set: 10.244.0.10-10.244.0.13", StringComparison.Ordinal)));
        Assert.Contains(events, l => l.Contains(",cni_check,web-0,", StringComparison.Ordinal) && l.Contains("passed", StringComparison.Ordinal));
        Assert.Contains(events, l => l.Contains(",cni_check,web-5,", StringComparison.Ordinal) && l.Contains("CNI error 3", StringComparison.Ordinal));
        var summary = File.ReadAllLines(Path.Combine(outDir, "summary.csv"));
        Assert.Single(summary, l => l.StartsWith("bridge,rr,", StringComparison.Ordinal));
        Assert.DoesNotContain(summary, l => l.StartsWith("bridge,to-failed,", StringComparison.Ordinal));
    }

    [Fact]
    public void A_conflist_whose_master_does_not_exist_is_bad_input()
    {
        File.WriteAllText(Path.Combine(_dir, "mv.conflist"),
            """{"cniVersion":"1.0.0","name":"mv","plugins":[{"type":"macvlan","master":"eth9","ipam":{"type":"whereabouts","range":"10.244.0.0/16"}}]}""");
        string scenario = Path.Combine(_dir, "mv.yaml");
        File.WriteAllText(scenario, """
            name: mv
            duration: 10ms
            cluster:
              nodes: { count: 2, cores: 2 }
            cni: { datapath: macvlan, conflist: mv.conflist }
            workloads:
              - { name: web, replicas: 2 }
            """);
        string outDir = Path.Combine(_dir, "mv-out");
        var (code, _, stderr) = BundledScenarioEndToEndTests.Netsim("run", scenario, "--out", outDir);
        Assert.Equal(2, code);
        Assert.Contains("failed to lookup master \"eth9\"", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(outDir));
    }
}
