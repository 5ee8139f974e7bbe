using NetSim.Engine.Costs;
using NetSim.Engine.Diagnostics;

namespace NetSim.Engine.Tests.Costs;

public class CostProfileLoaderTests
{
    private const string Good = """
        name: test
        description: a test profile
        cpu_scale: 1.0
        reference_machine: "a laptop"
        costs:
          veth.xmit: { fixed_ns: 0.30, per_byte_ns: 0.000125, source: "measured" }
          socket.copy:
            per_byte_ns: 0.12
            source: "[EST] copy"
        delays:
          nic.tx_latency: { ns: 800, source: "datasheet" }
        """;

    [Fact]
    public void The_default_profile_loads_and_sets_every_key_with_a_source()
    {
        string path = Path.Combine(RepositoryRoot(), "profiles", "default.yaml");
        CostProfile profile = CostProfileLoader.Load(path);

        Assert.Equal("default", profile.Name);
        Assert.Equal(1m, profile.CpuScale);
        Assert.All(CostKeys.All, k => Assert.True(profile.Defines(k), $"default.yaml does not set {k.Name}"));
        Assert.All(DelayKeys.All, k => Assert.True(profile.Defines(k), $"default.yaml does not set {k.Name}"));
        // + l2_cache and the variability section's cpu.softirq, cpu.task, wakeup.scheduler and interrupt_moderation
        Assert.Equal(CostKeys.All.Count + DelayKeys.All.Count + 1 + 4, profile.Sources.Count);
        Assert.False(profile.Variability.IsExact);
        Assert.Equal(256 * 1024, profile.L2CacheBytes); // the reference machine's (the Slim testbed's Xeon)
        Assert.All(profile.Sources.Values, s => Assert.False(string.IsNullOrWhiteSpace(s)));
        Assert.NotEmpty(profile.ReferenceMachine);
    }

    [Fact]
    public void The_estimates_profile_reproduces_its_budgets()
    {
        // The budgets are the hand-split estimates; default.yaml is calibrate's fit of a few of them (tested in NetSim.Cli.Tests).
        CostProfile p = CostProfileLoader.Load(Path.Combine(RepositoryRoot(), "profiles", "estimates.yaml"));
        long Ps(CostKey k) => p[k].FixedPs;
        // Budget A: host one way 5.5 us = 1.5 us NIC hardware + 2.0 us send CPU + 2.0 us receive CPU.
        long send = Ps(CostKeys.SocketSyscall) + Ps(CostKeys.TcpTransmit) + Ps(CostKeys.IpOutput) + Ps(CostKeys.RouteLookup) +
                    Ps(CostKeys.NeighOutput) + Ps(CostKeys.NicXmit);
        long receive = Ps(CostKeys.NicReceive) + Ps(CostKeys.NetifReceive) + Ps(CostKeys.IpReceive) + Ps(CostKeys.TcpReceive) +
                       Ps(CostKeys.SocketSyscall);
        long hardware = p.DelayPs(DelayKeys.NicTxLatency) + p.DelayPs(DelayKeys.NicRxLatency);
        Assert.Equal(5_500_000, send + receive + hardware);
        // Budget C: eBPF traversal 0.30 us.
        Assert.Equal(300_000, Ps(CostKeys.VethXmit) + Ps(CostKeys.BpfProgram) + Ps(CostKeys.BpfRedirect));
        // Budget B: legacy traversal within pm §4c's 1.5-2 us.
        long legacy = Ps(CostKeys.VethXmit) + Ps(CostKeys.NetifReceive) + Ps(CostKeys.IpReceive) + Ps(CostKeys.RouteLookup) +
                      Ps(CostKeys.IpForward) + Ps(CostKeys.NeighOutput) + 3 * Ps(CostKeys.NetfilterHook) +
                      10 * Ps(CostKeys.NftablesRule) + Ps(CostKeys.ConntrackLookup); // the rules in the distributions' default backend, iptables-nft
        Assert.InRange(legacy, 1_500_000, 2_000_000);
    }

    [Fact]
    public void Decimals_convert_exactly_to_picoseconds_and_femtoseconds()
    {
        CostProfile p = CostProfileLoader.Parse(Good, "good.yaml");
        Assert.Equal(new Cost(300, 125), p[CostKeys.VethXmit]);
        Assert.Equal(new Cost(0, 120_000), p[CostKeys.SocketCopy]);
        Assert.Equal(800_000, p.DelayPs(DelayKeys.NicTxLatency));
        Assert.Equal("measured", p.Sources["veth.xmit"]);
        Assert.Equal("a laptop", p.ReferenceMachine);
        Assert.False(p.Defines(CostKeys.TcpReceive));
        Assert.Equal(Cost.Free, p[CostKeys.TcpReceive]);
        Assert.Equal(0, p.L2CacheBytes); // no l2_cache: the cache is not modelled
    }

    [Fact]
    public void L2_cache_is_read_in_KiB_and_kept_by_copies()
    {
        CostProfile p = CostProfileLoader.Parse(Good.Replace("costs:", "l2_cache: { kib: 1280, source: \"Ice Lake-SP\" }\ncosts:", StringComparison.Ordinal), "l2.yaml");
        Assert.Equal(1280 * 1024, p.L2CacheBytes);
        Assert.Equal("Ice Lake-SP", p.Sources["l2_cache"]);
        Assert.Equal(1280 * 1024, p.With("copy", new Dictionary<string, Cost>(), 2m).L2CacheBytes);
        Assert.Equal(1280 * 1024, p.WithDelays(new Dictionary<string, long>()).L2CacheBytes);
        Assert.Equal(512 * 1024, p.WithL2Cache(512 * 1024).L2CacheBytes);
        Assert.Equal(new Cost(300, 125), p.WithL2Cache(512 * 1024)[CostKeys.VethXmit]);
    }

    [Fact]
    public void Cpu_scale_multiplies_costs_but_not_delays()
    {
        CostProfile p = CostProfileLoader.Parse(Good.Replace("cpu_scale: 1.0", "cpu_scale: 2.5", StringComparison.Ordinal), "scaled.yaml");
        Assert.Equal(new Cost(750, 312), p[CostKeys.VethXmit]); // 312.5 fs rounds half to even
        Assert.Equal(800_000, p.DelayPs(DelayKeys.NicTxLatency));
    }

    [Theory]
    [InlineData("  veth.xmt: { fixed_ns: 1, source: \"x\" }", 6, "costs.veth.xmt", "did you mean 'veth.xmit'")]
    [InlineData("  veth.xmit: { fixed_ns: -1, source: \"x\" }", 6, "costs.veth.xmit.fixed_ns", "must not be negative")]
    [InlineData("  veth.xmit: { fixed_ns: 1 }", 6, "costs.veth.xmit.source", "missing")]
    [InlineData("  veth.xmit: { fixed_ns: 1, source: \"  \" }", 6, "costs.veth.xmit.source", "empty")]
    [InlineData("  veth.xmit: { fixed_ns: \"1\", source: \"x\" }", 6, "costs.veth.xmit.fixed_ns", "expected a number")]
    [InlineData("  veth.xmit: { fixed_ns: [1], source: \"x\" }", 6, "costs.veth.xmit.fixed_ns", "expected a number")]
    [InlineData("  veth.xmit: { fixed_ns: fast, source: \"x\" }", 6, "costs.veth.xmit.fixed_ns", "expected a number")]
    [InlineData("  veth.xmit: 3", 6, "costs.veth.xmit", "expected a mapping")]
    [InlineData("  veth.xmit: { fixed: 1, source: \"x\" }", 6, "costs.veth.xmit.fixed", "did you mean 'fixed_ns'")]
    [InlineData("  veth.xmit: { fixed_ns: 0.0001, source: \"x\" }", 6, "costs.veth.xmit.fixed_ns", "finer than 1 ps")]
    [InlineData("  veth.xmit: { per_byte_ns: 0.0000001, source: \"x\" }", 6, "costs.veth.xmit.per_byte_ns", "finer than 1 fs")]
    [InlineData("  veth.xmit: { source: \"x\" }", 6, "costs.veth.xmit", "needs fixed_ns or per_byte_ns")]
    public void Bad_cost_entries_name_file_line_and_field(string entry, int line, string field, string problem)
    {
        string yaml = $"""
            # a profile with one bad entry
            name: bad
            cpu_scale: 1
            costs:
              tcp.receive: {"{"} fixed_ns: 1, source: "ok" {"}"}
            {entry}
            """;
        var e = Assert.Throws<InputException>(() => CostProfileLoader.Parse(yaml, "bad.yaml"));
        Assert.Equal("bad.yaml", e.File);
        Assert.Equal(line, e.Line);
        Assert.Equal(field, e.Field);
        Assert.Contains(problem, e.Problem, StringComparison.Ordinal);
        Assert.StartsWith($"bad.yaml:{line}: {field}: ", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cpuscale: 1", 2, "cpuscale", "did you mean 'cpu_scale'")]
    [InlineData("cpu_scale: 0", 2, "cpu_scale", "must be positive")]
    [InlineData("cpu_scale: -2", 2, "cpu_scale", "must be positive")]
    [InlineData("cpu_scale: \"1\"", 2, "cpu_scale", "expected a number")]
    [InlineData("delays:\n  nic.tx_latncy: { ns: 1, source: \"x\" }", 3, "delays.nic.tx_latncy", "did you mean 'nic.tx_latency'")]
    [InlineData("delays:\n  nic.tx_latency: { ns: -5, source: \"x\" }", 3, "delays.nic.tx_latency.ns", "must not be negative")]
    [InlineData("delays:\n  nic.tx_latency: { source: \"x\" }", 3, "delays.nic.tx_latency.ns", "missing")]
    [InlineData("delays:\n  nic.tx_latency: { ns: 5 }", 3, "delays.nic.tx_latency.source", "missing")]
    [InlineData("description: [a, b]", 2, "description", "expected text")]
    [InlineData("l2_cache: { kib: 0, source: \"x\" }", 2, "l2_cache.kib", "must be positive")]
    [InlineData("l2_cache: { kib: 512 }", 2, "l2_cache.source", "missing")]
    [InlineData("l2_cache: { source: \"x\" }", 2, "l2_cache.kib", "missing")]
    [InlineData("l2_cache: { kb: 512, source: \"x\" }", 2, "l2_cache.kb", "did you mean 'kib'")]
    [InlineData("l2_cache: 512KiB", 2, "l2_cache", "expected a mapping")]
    [InlineData("l2_cache: { kib: 0.0001, source: \"x\" }", 2, "l2_cache.kib", "finer than 1 byte")]
    public void Bad_top_level_fields_and_delays_name_file_line_and_field(string extra, int line, string field, string problem)
    {
        string yaml = "name: bad\n" + extra + "\ncosts:\n  tcp.receive: { fixed_ns: 1, source: \"ok\" }\n";
        var e = Assert.Throws<InputException>(() => CostProfileLoader.Parse(yaml, "bad.yaml"));
        Assert.Equal(line, e.Line);
        Assert.Equal(field, e.Field);
        Assert.Contains(problem, e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_name_or_costs_is_reported()
    {
        var noName = Assert.Throws<InputException>(() => CostProfileLoader.Parse("costs:\n  tcp.receive: { fixed_ns: 1, source: \"x\" }\n", "p.yaml"));
        Assert.Equal("name", noName.Field);
        var noCosts = Assert.Throws<InputException>(() => CostProfileLoader.Parse("name: x\n", "p.yaml"));
        Assert.Equal("costs", noCosts.Field);
    }

    [Fact]
    public void Invalid_yaml_and_duplicate_keys_report_the_line()
    {
        var syntax = Assert.Throws<InputException>(() => CostProfileLoader.Parse("name: x\ncosts:\n  tcp.receive: { fixed_ns: 1, source: \"x\"\n", "p.yaml"));
        Assert.True(syntax.Line >= 3, syntax.Message);
        Assert.Contains("not valid YAML", syntax.Problem, StringComparison.Ordinal);

        var duplicate = Assert.Throws<InputException>(() => CostProfileLoader.Parse(
            "name: x\ncosts:\n  tcp.receive: { fixed_ns: 1, source: \"x\" }\n  tcp.receive: { fixed_ns: 2, source: \"y\" }\n", "p.yaml"));
        Assert.Equal(4, duplicate.Line);
    }

    [Fact]
    public void A_missing_file_is_an_input_error()
    {
        var e = Assert.Throws<InputException>(() => CostProfileLoader.Load("/nonexistent/profile.yaml"));
        Assert.Equal("/nonexistent/profile.yaml", e.File);
        Assert.Contains("cannot read", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Nearest_name_suggests_close_keys_only()
    {
        Assert.Equal("veth.xmit", NearestName.Find("veth.xmt", ["veth.xmit", "vxlan.encap"]));
        Assert.Null(NearestName.Find("completely.different", ["veth.xmit", "vxlan.encap"]));
        Assert.Equal("fixed_ns", NearestName.Find("fixed", ["fixed_ns", "per_byte_ns", "source"]));
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NetSim.sln"))) return dir.FullName;
        throw new InvalidOperationException("repository root (NetSim.sln) not found");
    }
}
