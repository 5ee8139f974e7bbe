using NetSim.Engine.Addressing;
using NetSim.Engine.Costs;
using NetSim.Experiments.Calibration;
using NetSim.Topologies.Scenarios;

namespace NetSim.Testbed.Tests;

/// <summary>The generated scenarios, the addresses the namespaces get from them, and the measurements file calibrate reads.</summary>
public sealed class ScenarioAndCsvTests : IDisposable
{
    private static readonly TestbedMachine Machine = new("6.1.0-test", "Test CPU", 2, 1024);
    private static readonly Ipv4Prefix Benchmarking = Ipv4Prefix.Parse("198.18.0.0/15");
    private readonly string _dir = Directory.CreateTempSubdirectory("netsim-testbed-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    internal static CostProfile Profile()
    {
        string dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "NetSim.sln"))) dir = Path.GetDirectoryName(dir)!;
        return CostProfileLoader.Load(Path.Combine(dir, "profiles", "default.yaml"));
    }

    private string WriteScenarios()
    {
        foreach (var path in TestbedPath.All)
            File.WriteAllText(Path.Combine(_dir, TestbedScenarios.FileName(path)), TestbedScenarios.Path(path, Machine, CpuPinning.Default));
        File.WriteAllText(Path.Combine(_dir, TestbedScenarios.RulesFile), TestbedScenarios.Rules(Machine, CpuPinning.Default));
        return _dir;
    }

    [Fact]
    public void Every_path_scenario_loads_and_models_one_shared_core_and_a_veth_pair()
    {
        WriteScenarios();
        foreach (var path in TestbedPath.All)
        {
            var s = ScenarioLoader.Load(Path.Combine(_dir, TestbedScenarios.FileName(path)));
            Assert.True(s.Cluster.SharedCpu);
            Assert.True(s.Cluster.Fabric.IsVethPair);
            Assert.All(s.Cluster.Nodes, n => Assert.Equal(1, n.Cores));
            Assert.Equal(path.Datapath, s.Cni.Datapath);
            Assert.Equal(1024L * 1024, s.Cluster.L2CacheBytes);
        }
    }

    [Theory]
    [InlineData("host", 1500)]
    [InlineData("bridge", 1500)]
    [InlineData("host-gw", 9000)]
    [InlineData("vxlan", 1500)]
    [InlineData("vxlan", 9000)]
    public void The_namespaces_get_benchmarking_addresses_and_the_datapaths_mtu(string name, int mtu)
    {
        WriteScenarios();
        var path = TestbedPath.All.Single(p => p.Name == name);
        var s = ScenarioLoader.Load(Path.Combine(_dir, TestbedScenarios.FileName(path)), [$"cluster.nic.mtu={mtu}"]);
        var plan = TestbedAddressPlan.From(s, Profile());
        Assert.Equal(2, plan.Nodes.Count);
        Assert.All(plan.Nodes, n => Assert.True(Benchmarking.Contains(n.Address)));
        Assert.All(plan.Pods.Values, p => Assert.True(Benchmarking.Contains(p.Address), p.Name));
        Assert.Equal(mtu, plan.NodeMtu);
        Assert.Equal(path.IsVxlan ? mtu - 50 : mtu, plan.PodMtu);
        if (path.HasPods)
            Assert.All(plan.Nodes, n => Assert.True(n.PodSubnet is { } subnet && Benchmarking.Contains(subnet.Network) && subnet.Contains(n.Gateway)));
        if (path.IsVxlan) Assert.All(plan.Nodes, n => Assert.NotNull(n.Tunnel));
        Assert.Equal(0, plan.Pods[TestbedNames.PeerPod].Node);
        Assert.Equal(1, plan.Pods[TestbedNames.ServerPod].Node);
    }

    [Fact]
    public void The_measurements_file_is_what_calibrate_reads()
    {
        WriteScenarios();
        var rows = new[]
        {
            new TestbedMeasurement("tb.host.stream1.mtu1500", "testbed host, MTU 1500, 1 stream", TestbedScenarios.FileName(TestbedPath.Host), "host", [],
                "stream.goodput_gbps", "Gbit/s", [12.0, 15.5, 14.0], true, "ip netns exec nstb-node1 iperf3 -c 198.18.0.11 -J"),
            new TestbedMeasurement("tb.rules.nft.1000", "testbed host-gw connect, 1,000 Services' rules", TestbedScenarios.RulesFile, "flannel-host-gw",
                ["services[0].count=1000"], "crr.connect_p50_us", "us", [70.0], false, "connect() from nstb-client, \"quoted\""),
        };
        string csv = Path.Combine(_dir, "measurements.csv");
        File.WriteAllText(csv, MeasurementSetWriter.Write(rows, Machine));
        var read = ReferenceMeasurements.Load(csv);
        Assert.Equal(2, read.Count);
        Assert.Equal(14.0, read[0].Published); // the median of the repetitions
        Assert.True(read[0].Fit);
        Assert.False(read[1].Fit);
        Assert.Equal(["services[0].count=1000"], read[1].Sets);
        Assert.Equal(20, read[1].TolerancePercent);
        Assert.Contains("\"quoted\"", read[1].Source, StringComparison.Ordinal);
    }

    [Fact]
    public void A_zero_service_row_loads_with_no_services()
    {
        WriteScenarios();
        var s = ScenarioLoader.Load(Path.Combine(_dir, TestbedScenarios.RulesFile), ["services=[]"]);
        Assert.Empty(s.Services);
        Assert.Equal("iptables", s.KubeProxy.Mode);
    }

    [Fact]
    public void The_plan_fits_one_row_per_mechanism_and_holds_out_the_rest()
    {
        var machine = new TestbedPreflight(null, true, true, IptablesBackend.All, []);
        var full = PlannedMeasurement.For(false, machine, _ => { });
        var mechanisms = FittedMechanism.For(false, full.Select(p => p.Id).ToList());
        Assert.Equal(8, mechanisms.Count);
        Assert.Equal(mechanisms.Select(m => m.RowId).Order(), full.Where(p => p.Fit).Select(p => p.Id).Order());
        Assert.Equal(mechanisms.Count, mechanisms.Select(m => m.FitKey).Distinct().Count());
        Assert.Equal(20, full.Count(p => !p.Fit)); // every other MTU, stream count, datapath and rule count is a prediction
        Assert.Equal(8, full.Count(p => p.Kind == MeasurementKind.ConnectionSetup));
        Assert.Equal(full.Count, full.Select(p => p.Id).Distinct().Count());
        Assert.All(full.Where(p => p.Kind == MeasurementKind.ConnectionSetup), p => Assert.Contains($"kube_proxy.iptables_backend={p.Backend!.Name}", p.Sets));

        var quick = PlannedMeasurement.For(true, machine, _ => { });
        Assert.Equal(6, quick.Count(p => p.Fit)); // one backend: one per-rule cost, no L2 row
        Assert.Contains(quick, p => !p.Fit && p.Kind == MeasurementKind.Stream);
        var noVxlan = PlannedMeasurement.For(true, machine with { Vxlan = false, Backends = [] }, _ => { });
        Assert.DoesNotContain(noVxlan, p => p.Path.IsVxlan || p.Kind == MeasurementKind.ConnectionSetup);
        Assert.Equal(3, noVxlan.Count(p => p.Fit));
    }

    [Fact]
    public void A_rows_spread_says_whether_it_can_be_judged()
    {
        var tight = MeasuredSpread.Of([10.0, 10.5, 9.8, 10.2, 10.1]);
        Assert.Equal(10.1, tight.Median);
        Assert.Equal((10.5 / 10.1 - 1) * 100, tight.Percent, 9);
        Assert.True(tight.Judgeable(20));
        var wide = MeasuredSpread.Of([10.0, 13.0, 10.2]);
        Assert.Equal((13.0 / 10.2 - 1) * 100, wide.Percent, 9); // max against the median 10.2: 27 %
        Assert.False(wide.Judgeable(20));
        Assert.True(MeasuredSpread.Of([7.0]).Judgeable(20)); // one run: no spread was measured
    }
}
