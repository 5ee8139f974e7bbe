using NetSim.Engine.Costs;
using NetSim.Engine.Diagnostics;

namespace NetSim.Engine.Tests.Costs;

/// <summary>The profile's variability section: read exactly, validated with file, line and field, dropped by exact costs.</summary>
public class CostProfileVariabilityTests
{
    private const string Profile = """
        name: v
        costs:
          tcp.receive: { fixed_ns: 1, source: "x" }
        variability:
          cpu:
            softirq: { cv: 0.6, floor: 0.4, source: "fitted" }
            task: { cv: 0.3, source: "est" }
          wakeup:
            scheduler: { mean_ns: 300, cv: 1.0, source: "est" }
            idle_states:
              - { name: C1, exit_ns: 2000, residency_ns: 2000, source: "intel_idle" }
              - { name: C6, exit_ns: 133000, residency_ns: 400000, source: "intel_idle" }
          interrupt_moderation: { adaptive: true, min_ns: 2000, max_ns: 126000, source: "i40e" }
        """;

    [Fact]
    public void Every_field_is_read_exactly()
    {
        var p = CostProfileLoader.Parse(Profile, "v.yaml");
        var v = p.Variability;
        Assert.Equal(new WorkSpread(0.6, 0.4), v.Softirq);
        Assert.Equal(1.0, v.Softirq.ExcessCv, 12);
        Assert.Equal(new WorkSpread(0.3), v.Task);
        Assert.Equal(300_000, v.Wakeup.SchedulerMeanPs);
        Assert.Equal(1.0, v.Wakeup.SchedulerCv);
        Assert.Equal([new IdleState("C1", 2_000_000, 2_000_000), new IdleState("C6", 133_000_000, 400_000_000)], v.Wakeup.IdleStates);
        Assert.True(v.Moderation.Adaptive);
        Assert.Equal(2_000_000, v.Moderation.MinIntervalPs);
        Assert.Equal(126_000_000, v.Moderation.MaxIntervalPs);
        Assert.Equal("fitted", p.Sources["variability.cpu.softirq"]);
        Assert.Equal("intel_idle", p.Sources["variability.wakeup.idle_states.C6"]);
        Assert.False(v.IsExact);
    }

    [Fact]
    public void Copies_keep_the_variability_and_exact_costs_drop_it()
    {
        var p = CostProfileLoader.Parse(Profile, "v.yaml");
        Assert.Same(p.Variability, p.With("w", new Dictionary<string, Cost>(), 0.6m).Variability);
        Assert.Same(p.Variability, p.TrackingReads().WithL2Cache(1024).WithDelays(new Dictionary<string, long>()).Variability);
        var exact = p.WithExactCosts();
        Assert.True(exact.Variability.IsExact);
        Assert.Equal(p[CostKeys.TcpReceive], exact[CostKeys.TcpReceive]);
        Assert.True(CostProfileLoader.Parse("name: x\ncosts:\n  tcp.receive: { fixed_ns: 1, source: \"x\" }\n", "x.yaml").Variability.IsExact);
    }

    [Theory]
    [InlineData("variability:\n  cpus: {}", 3, "variability.cpus", "did you mean 'cpu'")]
    [InlineData("variability:\n  cpu:\n    softirk: { cv: 1, source: \"x\" }", 4, "variability.cpu.softirk", "did you mean 'softirq'")]
    [InlineData("variability:\n  cpu:\n    softirq: { cv: 1 }", 4, "variability.cpu.softirq.source", "missing")]
    [InlineData("variability:\n  cpu:\n    softirq: { source: \"x\" }", 4, "variability.cpu.softirq.cv", "missing")]
    [InlineData("variability:\n  cpu:\n    softirq: { cv: -0.1, source: \"x\" }", 4, "variability.cpu.softirq.cv", "must not be negative")]
    [InlineData("variability:\n  cpu:\n    softirq: { cv: 55, source: \"x\" }", 4, "variability.cpu.softirq.cv", "implausibly large")]
    [InlineData("variability:\n  cpu:\n    task: { cv: 0.5, floor: 1, source: \"x\" }", 4, "variability.cpu.task.floor", "must be below 1")]
    [InlineData("variability:\n  wakeup:\n    scheduler: { cv: 1, source: \"x\" }", 4, "variability.wakeup.scheduler.mean_ns", "missing")]
    [InlineData("variability:\n  wakeup:\n    scheduler: { mean_ns: 0.0001, source: \"x\" }", 4, "variability.wakeup.scheduler.mean_ns", "finer than 1 ps")]
    [InlineData("variability:\n  wakeup:\n    idle_states: { name: C1 }", 4, "variability.wakeup.idle_states", "expected a list")]
    [InlineData("variability:\n  wakeup:\n    idle_states:\n      - { name: C1, exit_ns: 2, source: \"x\" }", 5, "variability.wakeup.idle_states[0].residency_ns", "missing")]
    [InlineData("variability:\n  wakeup:\n    idle_states:\n      - { name: C6, exit_ns: 9, residency_ns: 9, source: \"x\" }\n      - { name: C1, exit_ns: 2, residency_ns: 2, source: \"x\" }", 6, "variability.wakeup.idle_states[1].residency_ns", "shallowest first")]
    [InlineData("variability:\n  interrupt_moderation: { adaptive: yes, source: \"x\" }", 3, "variability.interrupt_moderation.adaptive", "expected true or false")]
    [InlineData("variability:\n  interrupt_moderation: { adaptive: true, min_ns: 9, max_ns: 2, source: \"x\" }", 3, "variability.interrupt_moderation.max_ns", "below min_ns")]
    [InlineData("variability:\n  interrupt_moderation: { adaptive: true, max_ns: 2, source: \"x\" }", 3, "variability.interrupt_moderation.min_ns", "missing or zero")]
    public void Bad_variability_names_file_line_and_field(string section, int line, string field, string problem)
    {
        string yaml = "name: bad\ncosts:\n  tcp.receive: { fixed_ns: 1, source: \"ok\" }\n".Replace("costs:", section + "\ncosts:", StringComparison.Ordinal);
        var e = Assert.Throws<InputException>(() => CostProfileLoader.Parse(yaml, "bad.yaml"));
        Assert.Equal(field, e.Field);
        Assert.Equal(line, e.Line);
        Assert.Contains(problem, e.Problem, StringComparison.Ordinal);
    }
}
