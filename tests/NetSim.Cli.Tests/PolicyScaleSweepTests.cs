using System.Globalization;
using NetSim.Cli.Sweeps;
using NetSim.Topologies.Scenarios;

namespace NetSim.Cli.Tests;

/// <summary>
/// The policy-scale sweep (issue 15, item 4) end to end, shortened: its CSV has the swept columns and every metric,
/// and the mechanism shows in it: a new connection on calico-bgp walks one cali-pi- chain and one ipset test per
/// policy, so connection setup grows with the policy count while TCP_RR (conntrack fast path) does not; Calico eBPF
/// and Cilium look one per-endpoint map up whatever the count. Bad 'count' values are refused at their line.
/// </summary>
public sealed class PolicyScaleSweepTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("netsim-polscale-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Repo() => BundledScenarioEndToEndTests.Repo();

    private static string ScenarioPath => Path.Combine(Repo(), "scenarios", "policy-scale.yaml");

    [Fact]
    public void The_bundled_sweep_is_valid_and_its_smallest_point_loads()
    {
        var sweep = SweepFile.Load(Path.Combine(Repo(), "scenarios", "sweeps", "policy-scale.yaml"));
        Assert.Equal(30L, SweepPoint.Count(sweep));
        Assert.Equal(["0", "10", "100", "1000", "10000"], sweep.Parameters[0].Values);
        var point = ScenarioLoader.Load(sweep.Scenario, sweep.Set.Concat(SweepPoint.At(sweep, 0).Overrides));
        Assert.Single(point.NetworkPolicies); // no copies, the client's allow policy alone
    }

    [Fact]
    public void Count_generates_named_copies_in_order_before_the_allow_policy()
    {
        var s = ScenarioLoader.Load(ScenarioPath, ["network_policies[0].count=3"]);
        Assert.Equal(["scale-0", "scale-1", "scale-2", "zz-allow-client"], s.NetworkPolicies.Select(p => p.Policy.Name));
    }

    [Fact]
    public void A_counted_item_is_written_back_once_with_its_count()
    {
        var s = ScenarioLoader.Load(ScenarioPath, ["network_policies[0].count=3"]);
        string written = ScenarioWriter.Write(s);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(written, "name: scale\\b"));
        var again = ScenarioLoader.Parse(written, "written.yaml");
        Assert.Equal(s.NetworkPolicies.Select(p => p.Policy.Name), again.NetworkPolicies.Select(p => p.Policy.Name));
    }

    [Fact]
    public void A_shortened_sweep_writes_its_csv_and_chart_and_shows_the_mechanism()
    {
        string sweepFile = Path.Combine(_dir, "policy-scale.sweep.yaml");
        File.WriteAllText(sweepFile, $"""
            name: policy-scale-short
            scenario: {ScenarioPath}
            replications: 1
            seed: 1
            set: [duration=12ms, warmup=2ms, "traffic[0].duration=5ms", "traffic[1].start=5ms", "traffic[1].duration=3ms", "traffic[2].start=8ms"]
            parameters:
              network_policies[0].count: [0, 100, 200]
              cni.datapath: [calico-bgp, calico-ebpf, cilium-ebpf]
            metrics: [connect_p50_us, p50_us, goodput_gbps]
            """);
        string outDir = Path.Combine(_dir, "out");
        var (code, stdout, stderr) = BundledScenarioEndToEndTests.Netsim("sweep", sweepFile, "--out", outDir);
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        var lines = File.ReadAllLines(Path.Combine(outDir, "sweep.csv"));
        Assert.Equal("point,network_policies[0].count,cni.datapath,group,metric,replications,mean,ci_half_width", lines[0]);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(outDir, "charts"), "*.png"));
        var mean = lines.Skip(1).Select(l => l.Split(',')).ToDictionary(c => (int.Parse(c[1], CultureInfo.InvariantCulture), c[2], c[3], c[4]),
            c => double.Parse(c[6], CultureInfo.InvariantCulture));
        foreach (string metric in new[] { "connect_p50_us", "p50_us", "goodput_gbps" })
            Assert.Contains((0, "calico-bgp", metric == "connect_p50_us" ? "connect" : metric == "p50_us" ? "rr" : "stream", metric), mean.Keys);

        // iptables: every policy adds a chain walk and an ipset test to the SYN, linearly.
        double c0 = mean[(0, "calico-bgp", "connect", "connect_p50_us")], c100 = mean[(100, "calico-bgp", "connect", "connect_p50_us")];
        double c200 = mean[(200, "calico-bgp", "connect", "connect_p50_us")];
        Assert.True(c100 > c0 && c200 > c100, $"calico-bgp connect p50 {c0} / {c100} / {c200} us");
        Assert.InRange((c200 - c100) / (c100 - c0), 0.7, 1.3);
        // Established packets follow conntrack: TCP_RR barely moves (under a tenth of the setup growth).
        double rr0 = mean[(0, "calico-bgp", "rr", "p50_us")], rr200 = mean[(200, "calico-bgp", "rr", "p50_us")];
        Assert.True(Math.Abs(rr200 - rr0) < 0.1 * (c200 - c0), $"calico-bgp rr p50 {rr0} -> {rr200} us");
        // BPF: one policy-map lookup per packet, however many policies compiled into it.
        foreach (string dp in new[] { "calico-ebpf", "cilium-ebpf" })
        {
            double b0 = mean[(0, dp, "connect", "connect_p50_us")], b200 = mean[(200, dp, "connect", "connect_p50_us")];
            Assert.True(Math.Abs(b200 - b0) < 0.05 * (c200 - c0), $"{dp} connect p50 {b0} -> {b200} us");
        }
    }

    [Theory]
    [InlineData("count: -1", "network_policies[0].count")]
    [InlineData("count: many", "network_policies[0].count")]
    [InlineData("count: 100001", "network_policies[0].count")]
    public void A_bad_count_is_refused_with_its_line(string field, string path)
    {
        string text = File.ReadAllText(ScenarioPath).Replace("count: 1000 ", field + " ", StringComparison.Ordinal);
        string file = Path.Combine(_dir, "bad.yaml");
        File.WriteAllText(file, text);
        var (code, _, stderr) = BundledScenarioEndToEndTests.Netsim("validate", file);
        Assert.Equal(2, code);
        int line = Array.FindIndex(text.Split('\n'), l => l.Contains(field, StringComparison.Ordinal)) + 1;
        Assert.Contains($"bad.yaml:{line}", stderr, StringComparison.Ordinal);
        Assert.Contains(path, stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public void Count_is_a_scenario_field_and_not_part_of_a_manifest_networkpolicy()
    {
        string manifest = Path.Combine(_dir, "np.yaml");
        File.WriteAllText(manifest, """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            count: 3
            metadata: { name: deny, namespace: app }
            spec: { podSelector: {} }
            """);
        string scenario = Path.Combine(_dir, "s.yaml");
        File.WriteAllText(scenario, File.ReadAllText(ScenarioPath).Replace("network_policies:", "manifests: [np.yaml]\nnetwork_policies:", StringComparison.Ordinal));
        var (code, _, stderr) = BundledScenarioEndToEndTests.Netsim("validate", scenario);
        Assert.Equal(2, code);
        Assert.Contains("np.yaml", stderr, StringComparison.Ordinal);
        Assert.Contains("count", stderr, StringComparison.Ordinal);
    }
}
