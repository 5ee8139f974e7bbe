namespace NetSim.Cli.Tests;

/// <summary>Bad command lines, scenarios and sweep files: one line on stderr, exit code 2, and nothing written to --out.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly CliHarness _h = new();

    public void Dispose() => _h.Dispose();

    public static TheoryData<string, string> Cases => new()
    {
        // (arguments, separated by '|', with {s} = the scenario, {bad} = a broken scenario, {sw} = a sweep file; words expected in the message)
        { "run", "missing required argument 'SCENARIO'" },
        { "run|{s}|--dataptah|host", "unknown option --dataptah (did you mean '--datapath'?)" },
        { "compare|{s}|--datapaths|host,flannel-vxlam", "'flannel-vxlam' is not a datapath (did you mean 'flannel-vxlan'?)" },
        { "rnu|{s}", "unknown command 'rnu' (did you mean 'run'?)" },
        { "run|{s}|--pcap-limit|lots|--pcap|*/eth0", "--pcap-limit" },
        { "run|{s}|--bogus", "unknown option --bogus" },
        { "run|{s}|-o|{dir}/out", "unknown option -o: netsim has no short options" },
        { "run|{s}|--seed|minus-one", "--seed must be a non-negative whole number" },
        { "run|{s}|--datapath|flannel-vxlam", "'flannel-vxlam' is not a datapath" },
        { "run|{s}|--set|cluster.nodez=3", "cluster.nodez" },
        { "run|{s}|--set|duration=fast", "duration" },
        { "run|{s}|{s}", "Could not match" },
        { "run|{dir}/nothing.yaml", "file not found" },
        { "run|{bad}", "bad.yaml:3: warmpu: unknown field (did you mean 'warmup'?)" },
        { "run|{s}|--set|profile=no-such-profile", "no cost profile 'no-such-profile'" },
        { "compare|{s}|--datapaths|host,cilium-nope", "'cilium-nope' is not a datapath" },
        { "compare|{s}|--datapaths|host,host", "names host twice" },
        { "compare|{s}|--datapaths|host", "only the baseline" },
        { "compare|{s}|--baseline|nope", "--baseline: 'nope' is not a datapath" },
        { "compare|{s}|--jobs|0", "--jobs must be between 1 and 1024" },
        { "compare|{s}|--set|compare=[]", "no datapaths to compare" },
        { "trace|{s}|--from|pod:client", "--to is required" },
        { "trace|{s}|--from|pod:client|--to|pod:ghost", "no pod named ghost" },
        { "trace|{s}|--from|pod:client|--to|teapot:x", "is not an endpoint" },
        { "trace|{s}|--from|pod:client|--to|pod:server|--port|0", "--port must be between 1 and 65535" },
        { "trace|{s}|--from|pod:client|--to|pod:server|--protocol|sctp", "--protocol must be tcp or icmp" },
        { "trace|{s}|--from|pod:client|--to|pod:server|--port|80|--protocol|udp", "no UDP request/response application to trace" },
        { "sweep|{sw-bad-point}", "point 1 (kube_proxy.mode=warp)" },
        { "sweep|{sw-no-params}", "parameters: needs at least one parameter" },
        { "sweep|{sw-bad-log}", "log spacing needs positive bounds" },
        { "sweep|{sw-bad-metric}", "'p42_us' is not a metric" },
        { "frobnicate", "unknown command 'frobnicate'" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_input_gives_one_line_exit_2_and_no_output(string args, string words)
    {
        string scenario = _h.ScenarioFile;
        string bad = _h.Write("bad.yaml", "name: bad\nseed: 1\nwarmpu: 1s\ncluster: { nodes: { count: 2 } }\n");
        string Sweep(string name, string body) => _h.Write(name, $"scenario: overlay.yaml\n{body}\n");
        var files = new Dictionary<string, string>
        {
            ["{s}"] = scenario,
            ["{bad}"] = bad,
            ["{dir}"] = _h.Dir,
            ["{sw-bad-point}"] = Sweep("p.sweep.yaml", "parameters:\n  kube_proxy.mode: [iptables, warp]"),
            ["{sw-no-params}"] = Sweep("n.sweep.yaml", "replications: 2"),
            ["{sw-bad-log}"] = Sweep("l.sweep.yaml", "parameters:\n  services[0].count: {log: [0, 100, 3]}"),
            ["{sw-bad-metric}"] = Sweep("m.sweep.yaml", "metrics: [p42_us]\nparameters:\n  kube_proxy.mode: [iptables]"),
        };
        var argv = args.Split('|').Select(a => files.Aggregate(a, (x, kv) => x.Replace(kv.Key, kv.Value, StringComparison.Ordinal))).ToList();
        string output = _h.Out("results");
        argv.AddRange(["--out", output]);
        var before = Directory.GetFileSystemEntries(_h.Dir).Order(StringComparer.Ordinal).ToList();

        var runner = new FormulaRunner();
        var (code, _, stderr) = CliHarness.Run(runner, argv.ToArray());

        CliHarness.AssertRefused(code, stderr, words);
        Assert.False(Directory.Exists(output), "--out must not appear on bad input");
        Assert.Equal(before, Directory.GetFileSystemEntries(_h.Dir).Order(StringComparer.Ordinal).ToList()); // no temporary siblings either
        Assert.Equal(0, runner.Runs);
    }

    [Fact]
    public void Pcap_without_out_is_bad_input()
    {
        var (code, _, stderr) = CliHarness.Run(new FormulaRunner(), "run", _h.ScenarioFile, "--pcap", "*/eth0");
        Assert.Equal(2, code);
        Assert.Contains("--pcap needs --out", stderr, StringComparison.Ordinal);
    }
}
