using NetSim.Engine.Costs;
using NetSim.Experiments.Calibration;
using NetSim.Topologies.Build;

namespace NetSim.Cli.Tests;

/// <summary>
/// The kube-proxy first-packet tail rows (pm §3a): the default profile's variability gives each setup a spread of
/// first packets over its connections, the nftables p90 it was fitted to is met, and exact costs collapse the spread.
/// </summary>
public sealed class FirstPacketTailTests(ReferenceRunFixture run) : IClassFixture<ReferenceRunFixture>
{
    [Theory]
    [InlineData("nftables", "5k")]
    [InlineData("nftables", "30k")]
    [InlineData("ipvs", "10k")]
    public void Percentiles_over_the_connections_rise_from_p01_to_p99(string mode, string scale)
    {
        double At(string q) => run.Check.Results.Single(r => r.Row.Id == $"kp.{mode}.{scale}.{q}").Simulated;
        double p01 = At("p01"), p50 = At("p50"), p90 = At("p90"), p99 = At("p99");
        Assert.True(p01 < p50 && p50 < p90 && p90 < p99, $"{mode} {scale}: p01 {p01}, p50 {p50}, p90 {p90}, p99 {p99} µs");
    }

    [Fact]
    public void The_nftables_p90_rows_are_within_tolerance()
    {
        var fitted = run.Check.Results.Where(r => r.Row.Id.StartsWith("kp.nftables.", StringComparison.Ordinal) && r.Row.Id.EndsWith(".p90", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, fitted.Count);
        Assert.All(fitted, r => Assert.True(r.Passed == true, $"{r.Row.Id}: simulated {r.Simulated}, published {r.Row.Published}"));
        // The spread was fitted by hand to these rows against the means of the profile before its recalibration with
        // the spread on; after it they are predictions of that spread, held to their tolerance above.
    }

    [Fact]
    public void With_exact_costs_almost_every_connection_has_the_same_first_packet()
    {
        string csv = Path.Combine(CalibrateCommandTests.Repo(), "scenarios", "reference", "published.csv");
        var rows = ReferenceMeasurements.Load(csv).Where(r => r.Id.StartsWith("kp.nftables.5k.", StringComparison.Ordinal)).ToList();
        Assert.Equal(["kp.nftables.5k.p50", "kp.nftables.5k.p01", "kp.nftables.5k.p90", "kp.nftables.5k.p99"], rows.Select(r => r.Id));
        var evaluator = new ReferenceEvaluator(new ClusterSimulation(), rows, csv, 1, "check-reference");
        var profile = CostProfileLoader.Load(Path.Combine(CalibrateCommandTests.Repo(), "profiles", "default.yaml")).WithExactCosts();
        double[] values = evaluator.Evaluate(profile);
        double p50 = values[0], p01 = values[1], p90 = values[2], p99 = values[3];
        Assert.Equal(p50, p01);
        // Exact costs keep the adaptive interrupt moderation: a first packet whose interrupt comes within the ITR's
        // 2 µs minimum interval of the previous one waits for it, so the p90 may sit up to that above the p50.
        Assert.InRange(p90, p50, p50 + 2.0);
        // The kube-proxy nftables first packet at its mean costs, within the p50 row's tolerance of pm §3a's 13.9 µs (the
        // profile is fitted to the drawn medians, which sit below the means).
        Assert.InRange(p50, 13.9 * 0.75, 13.9 * 1.25);
        // The last percent queue behind the other group's connection on a shared core; the drawn p99 is far above.
        Assert.InRange(p99, p50, 1.25 * p50);
        Assert.True(run.Check.Results.Single(r => r.Row.Id == "kp.nftables.5k.p99").Simulated > 2 * p50);
    }
}
