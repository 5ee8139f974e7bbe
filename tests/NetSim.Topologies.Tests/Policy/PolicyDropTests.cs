using NetSim.Engine.Packets;
using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Simulation;

namespace NetSim.Topologies.Tests.Policy;

/// <summary>
/// A denied connection in a run: its packets are drops with reason PolicyDenied (drops.csv), the run says whether the
/// datapath enforced the policies, and trace shows the drop as a hop of its own.
/// </summary>
public sealed class PolicyDropTests
{
    private static readonly string DenyX = NinePod.Policy("x", "deny", """{"podSelector": {}, "policyTypes": ["Ingress"]}""");

    private static Scenario WithTraffic(string datapath) => NetSim.Topologies.Scenarios.ScenarioLoader.Parse(
        NinePod.Yaml(DenyX) + "traffic:\n  - { name: denied, kind: rr, from: pod:y-a-0, to: pod:x-a-0 }\n  - { name: allowed, kind: rr, from: pod:x-a-0, to: pod:y-a-0 }\n",
        "nine.yaml", [$"cni.datapath={datapath}"]);

    [Theory]
    [MemberData(nameof(PolicySemanticsTests.Datapaths), MemberType = typeof(PolicySemanticsTests))]
    public void Denied_packets_are_policy_drops_and_allowed_traffic_flows(string datapath)
    {
        var r = new ClusterSimulation().Run(WithTraffic(datapath), Build.ClusterSimulationTests.Profile(), null, RunOptions.Default);
        Assert.True(r.Holds, r.Conservation.ToString());
        Assert.True(r.Drops.Single(d => d.Reason == DropReason.PolicyDenied).Packets > 0);
        Assert.Equal(0, r.Groups.Single(g => g.Name == "denied").Application.Transactions);
        Assert.True(r.Groups.Single(g => g.Name == "allowed").Application.Transactions > 10);
        Assert.Equal("enforced", r.NetworkPolicy);
    }

    [Fact]
    public void Flannel_runs_the_denied_traffic_and_says_policies_are_not_enforced()
    {
        var r = new ClusterSimulation().Run(WithTraffic("flannel-vxlan"), Build.ClusterSimulationTests.Profile(), null, RunOptions.Default);
        Assert.DoesNotContain(r.Drops, d => d.Reason == DropReason.PolicyDenied);
        Assert.True(r.Groups.Single(g => g.Name == "denied").Application.Transactions > 10);
        Assert.Equal("not enforced", r.NetworkPolicy);
        Assert.Contains(r.Notes, n => n.Contains("NOT enforced", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("calico-bgp")]
    [InlineData("cilium-ebpf")]
    public void Trace_shows_the_policy_drop_as_a_hop(string datapath)
    {
        var s = WithTraffic(datapath);
        var t = new ClusterSimulation().Trace(s, Build.ClusterSimulationTests.Profile(), null,
            new TraceRequest(new EndpointRef(EndpointKind.Pod, "y-a-0", 0, null, null), new EndpointRef(EndpointKind.Pod, "x-a-0", 0, null, null), 80));
        Assert.Contains(t.Packets.SelectMany(p => p.Hops), h => h.Action == "drop: PolicyDenied");
    }
}
