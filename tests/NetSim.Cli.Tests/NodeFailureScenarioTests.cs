using NetSim.Reporting.Csv;
using NetSim.Reporting.Records;
using static NetSim.Cli.Tests.BundledScenarioEndToEndTests;

namespace NetSim.Cli.Tests;

/// <summary>scenarios/node-failure.yaml through netsim compare: the timeline per datapath and the outage in the tables.</summary>
public sealed class NodeFailureScenarioTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("netsim-nf-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Compare_writes_each_datapaths_timeline_and_the_outage_it_caused()
    {
        string outDir = Path.Combine(_dir, "nf");
        var (code, stdout, stderr) = Netsim("compare", Path.Combine(Repo(), "scenarios", "node-failure.yaml"), "--out", outDir);
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        var events = CsvTable.Read<EventRow>(Path.Combine(outDir, "events.csv"));
        Assert.Equal(["node_down", "bgp_withdraw", "node_not_ready", "kube_proxy_sync"], events.Where(e => e.Datapath == "calico-bgp").Select(e => e.Kind));
        // Through node1, the only reflector: node1's hold timer expires at 160 ms, node2 hears the withdrawal one UPDATE hop later.
        var reflected = events.Where(e => e.Datapath == "calico-bgp+route-reflectors" && e.Kind == "bgp_withdraw").Select(e => e.AtMs).ToList();
        Assert.Equal([160.0, 160.239], reflected);
        Assert.Equal([160.0], events.Where(e => e.Datapath == "calico-bgp" && e.Kind == "bgp_withdraw").Select(e => e.AtMs));
        foreach (string d in new[] { "cilium-vxlan", "flannel-vxlan" })
        {
            Assert.Equal([(100.0, "node_down"), (200.0, "node_not_ready")], events.Where(e => e.Datapath == d).Take(2).Select(e => (e.AtMs, e.Kind)));
            // minSyncPeriod (20 ms) has long passed: the sync starts at NotReady and ends when its iptables-restore does.
            var sync = events.Where(e => e.Datapath == d).Skip(2).Single();
            Assert.Equal("kube_proxy_sync", sync.Kind);
            Assert.InRange(sync.AtMs, 200.001, 220);
        }
        var summary = CsvTable.Read<GroupSummary>(Path.Combine(outDir, "summary.csv"));
        foreach (string d in new[] { "calico-bgp", "calico-bgp+route-reflectors", "cilium-vxlan", "flannel-vxlan" })
        {
            var sticky = summary.Single(g => g.Datapath == d && g.Group == "sticky");
            Assert.InRange(sticky.LongestGapUs, 299_000, 301_000); // stuck on the dead backend from 100 ms to the end
            Assert.True(summary.Single(g => g.Datapath == d && g.Group == "open").UnansweredConnections > 50);
            Assert.True(summary.Single(g => g.Datapath == d && g.Group == "direct").LongestGapUs < 1_000);
        }
        Assert.Contains("longest_gap_us,timeouts,connect_failures,max_latency_us,unanswered_connections", File.ReadAllText(Path.Combine(outDir, "summary.csv")), StringComparison.Ordinal);
        Assert.Contains("longest_gap_us,dropped_packets", File.ReadAllText(Path.Combine(outDir, "flows.csv")), StringComparison.Ordinal);
    }

    [Fact]
    public void An_event_after_the_run_is_bad_input_with_one_line_and_nothing_written()
    {
        string outDir = Path.Combine(_dir, "bad");
        var (code, _, stderr) = Netsim("run", Path.Combine(Repo(), "scenarios", "node-failure.yaml"), "--set", "duration=50ms", "--out", outDir);
        Assert.Equal(2, code);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Contains("node-failure.yaml:", stderr, StringComparison.Ordinal);
        Assert.Contains("events[0].at", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any());
    }
}
