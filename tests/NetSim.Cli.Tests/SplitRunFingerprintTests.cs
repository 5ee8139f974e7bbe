using System.Text.RegularExpressions;

namespace NetSim.Cli.Tests;

/// <summary>
/// `netsim run --threads 2` against `--threads 1` on every bundled scenario (found on disk, so a new one cannot be
/// left out), shortened in time: the same fingerprint, the same event count and the same printed results (all but
/// the wall-clock figures), or, for the kinds of scenario a split run does not take yet, exit 2 with one line that
/// says why before anything runs.
/// </summary>
public sealed partial class SplitRunFingerprintTests
{
    /// <summary>The shortening per scenario (the same traffic, less simulated time); null: refused with --threads 2.</summary>
    private static readonly Dictionary<string, string[]?> Short = new(StringComparer.Ordinal)
    {
        ["cni-financial.yaml"] = ["duration=20ms", "traffic[2].duration=8ms"],
        ["cni-hpc.yaml"] = ["duration=25ms", "traffic[2].start=20ms", "traffic[0].duration=10ms", "traffic[1].duration=10ms"],
        ["cni-startup-dev.yaml"] = ["duration=30ms", "traffic[2].duration=15ms"],
        ["cni-zoo.yaml"] = ["duration=30ms", "traffic[0].duration=12ms", "traffic[1].start=15ms"],
        ["dns-lookup.yaml"] = ["duration=20ms"],
        ["egress.yaml"] = ["duration=30ms"],
        ["fabric-failure.yaml"] = null, // events
        ["fabric-hang.yaml"] = null, // events
        ["first-packet-latency.yaml"] = ["duration=30ms"],
        ["kube-proxy-scale.yaml"] = ["duration=20ms"],
        ["netpol-9pod.yaml"] = [],
        ["node-failure.yaml"] = null, // events change several nodes at one instant
        ["overlay-overhead.yaml"] = ["duration=30ms", "traffic[0].duration=12ms", "traffic[1].start=15ms"],
        ["ping.yaml"] = ["duration=20ms"],
        ["rolling-update.yaml"] = null, // events
        ["service-churn.yaml"] = null, // events
        ["policy-change.yaml"] = null, // events
        ["policy-scale.yaml"] = ["duration=12ms", "warmup=2ms", "traffic[0].duration=5ms", "traffic[1].start=5ms", "traffic[1].duration=3ms", "traffic[2].start=8ms", "network_policies[0].count=100"],
        ["service-nodeport.yaml"] = ["duration=30ms"],
        ["service-types.yaml"] = ["duration=20ms"],
        ["topology-aware.yaml"] = ["duration=20ms"],
        ["trace-replay.yaml"] = null, // one replayer drives clients on several nodes
        ["reference/cilium-benchmark.yaml"] = [],
        ["reference/infrabuilder-2020-10g.yaml"] = ["duration=15ms"],
        ["reference/infrabuilder-2024-40g.yaml"] = ["duration=15ms"],
        ["reference/kube-proxy-first-packet.yaml"] = [],
        ["reference/slim-inter-host.yaml"] = [],
        ["reference/slim-intra-host.yaml"] = [],
    };

    private static string Scenarios => Path.Combine(CalibrateCommandTests.Repo(), "scenarios");

    private static List<string> Files() =>
        [.. Directory.GetFiles(Scenarios, "*.yaml").Concat(Directory.GetFiles(Path.Combine(Scenarios, "reference"), "*.yaml"))
            .Select(f => Path.GetRelativePath(Scenarios, f).Replace('\\', '/')).Order(StringComparer.Ordinal)];

    public static TheoryData<string> Bundled() => new(Files());

    [Fact]
    public void Every_bundled_scenario_is_covered()
    {
        Assert.Equal(Files(), Short.Keys.Order(StringComparer.Ordinal));
        Assert.True(Short.Count(kv => kv.Value is not null) >= 15, "most bundled scenarios run split");
    }

    [Theory]
    [MemberData(nameof(Bundled))]
    public void Two_threads_give_the_fingerprint_and_results_of_one(string file)
    {
        string[]? sets = Short[file];
        if (sets is null)
        {
            var (refused, _, err) = Run(file, [], 2);
            Assert.Equal(2, refused);
            Assert.Contains("cannot be split across threads", err, StringComparison.Ordinal);
            Assert.Single(err.Trim().Split('\n'));
            return;
        }
        var (code1, one, err1) = Run(file, sets, 1);
        var (code2, two, err2) = Run(file, sets, 2);
        Assert.True(code1 is 0 or 1, $"--threads 1 exit {code1}: {err1}");
        Assert.Equal(code1, code2);
        Assert.Equal("", err2);
        var a = Parts(one);
        var b = Parts(two);
        Assert.Equal(a.Fingerprint, b.Fingerprint);
        Assert.Equal(a.Events, b.Events);
        Assert.Equal(a.Before, b.Before);
        Assert.Equal(a.After, b.After);
    }

    private static (int Code, string Out, string Err) Run(string file, string[] sets, int threads)
    {
        var args = new List<string> { "run", Path.Combine(Scenarios, file), "--threads", threads.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        foreach (string s in sets) args.AddRange(["--set", s]);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Program.Run([.. args], stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The summary around its wall-clock figures: the text before "simulator:", the events and fingerprint, the text up to "wall:".</summary>
    private static (string Before, string Events, string Fingerprint, string After) Parts(string text)
    {
        int sim = text.IndexOf("simulator:", StringComparison.Ordinal);
        Assert.True(sim >= 0, text);
        var m = Summary().Match(text, sim);
        Assert.True(m.Success, text[sim..]);
        int wall = text.LastIndexOf("wall:", StringComparison.Ordinal);
        int after = m.Index + m.Length;
        return (text[..sim], m.Groups["events"].Value, m.Groups["fp"].Value, wall > after ? text[after..wall] : text[after..]);
    }

    [GeneratedRegex(@"(?<events>[\d,]+) events,[\s\S]*?fingerprint (?<fp>0x[0-9a-f]{16})")]
    private static partial Regex Summary();
}
