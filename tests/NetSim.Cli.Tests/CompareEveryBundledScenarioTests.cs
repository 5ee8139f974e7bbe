using NetSim.Topologies.Scenarios;

namespace NetSim.Cli.Tests;

/// <summary>
/// `netsim compare` on every bundled scenario that has a compare list (found on disk, so a new one cannot be left
/// out), shortened in time: no bad input (exit 2), every run's packet conservation holds, and every invariant holds.
/// cni-startup-dev's host baseline delivers a different traffic mix (its Service round trips are slower), so its
/// pod-path CPU comparison is reported as not judged rather than compared across different mixes.
/// </summary>
public sealed class CompareEveryBundledScenarioTests
{
    /// <summary>The shortening per scenario: the same traffic, less simulated time.</summary>
    private static readonly Dictionary<string, string[]> Short = new(StringComparer.Ordinal)
    {
        ["overlay-overhead.yaml"] = ["duration=30ms", "traffic[0].duration=12ms", "traffic[1].start=15ms"],
        ["cni-zoo.yaml"] = ["duration=30ms", "traffic[0].duration=12ms", "traffic[1].start=15ms"],
        ["cni-startup-dev.yaml"] = ["duration=30ms", "traffic[2].duration=15ms"],
        ["cni-financial.yaml"] = ["duration=20ms", "traffic[2].duration=8ms"],
        ["node-failure.yaml"] = ["duration=250ms"],
        ["fabric-failure.yaml"] = [],
        ["policy-change.yaml"] = ["duration=260ms"],
        ["egress.yaml"] = ["duration=30ms"],
        ["cni-hpc.yaml"] = ["duration=25ms", "traffic[2].start=20ms", "traffic[0].duration=10ms", "traffic[1].duration=10ms"],
        ["netpol-9pod.yaml"] = [],
        ["policy-scale.yaml"] = ["duration=12ms", "warmup=2ms", "traffic[0].duration=5ms", "traffic[1].start=5ms", "traffic[1].duration=3ms", "traffic[2].start=8ms", "network_policies[0].count=100"],
    };

    /// <summary>
    /// Scenarios whose every pod datapath delivers the host baseline's traffic mix, so the pod-path CPU check judges
    /// every pair (it is not skipped where it should bite); cni-startup-dev's calico-bgp delivers another mix (its
    /// Service round trips are faster than host's) and is not judged; cni-financial's shortened run is left free.
    /// </summary>
    private static readonly HashSet<string> JudgesEveryPair = new(StringComparer.Ordinal) { "overlay-overhead.yaml", "cni-hpc.yaml", "netpol-9pod.yaml" };

    private static List<string> Files() =>
        Directory.GetFiles(Path.Combine(CalibrateCommandTests.Repo(), "scenarios"), "*.yaml").Order(StringComparer.Ordinal)
            .Where(f => ScenarioLoader.Load(f).CompareDatapaths.Count > 0).Select(f => Path.GetFileName(f)).ToList();

    public static TheoryData<string> WithCompareList() => new(Files());

    [Fact]
    public void Every_scenario_with_a_compare_list_is_covered()
    {
        var files = Files();
        Assert.Contains("cni-startup-dev.yaml", files);
        Assert.Equal(files.Order(StringComparer.Ordinal), Short.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(WithCompareList))]
    public void Compare_runs_on_every_bundled_scenario_with_a_compare_list(string file)
    {
        var args = new List<string> { "compare", Path.Combine(CalibrateCommandTests.Repo(), "scenarios", file) };
        foreach (string s in Short.GetValueOrDefault(file, [])) args.AddRange(["--set", s]);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Program.Run([.. args], stdout, stderr);
        string text = stdout.ToString();
        Assert.True(code != 2, $"bad input: {stderr}");
        Assert.Contains("against host", text, StringComparison.Ordinal);
        // The simulator table has one row per datapath run, each with its run's invariants: "holds" (a policy column may follow).
        var scenario = ScenarioLoader.Load(args[1]);
        int runs = scenario.CompareDatapaths.Union([scenario.Baseline]).Count();
        Assert.Equal(runs, text.Split('\n').Count(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"│ holds\s+│")));
        var broken = text.Split('\n').Where(l => l.StartsWith("invariant broken", StringComparison.Ordinal)).ToList();
        Assert.True(code == 0, $"exit {code}: {stderr}\n{text}");
        Assert.Empty(broken);
        // Same traffic on every datapath: no pair is left out for its mix (sriov and host-device are left out for their own device).
        if (JudgesEveryPair.Contains(file)) Assert.DoesNotContain("traffic mix differs", System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " "), StringComparison.Ordinal);
        if (file == "cni-startup-dev.yaml") Assert.Contains("calico-bgp not judged", text, StringComparison.Ordinal);
    }
}
