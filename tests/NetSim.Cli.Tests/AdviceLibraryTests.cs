using NetSim.Engine.Diagnostics;
using NetSim.Experiments.Advice;
using NetSim.Topologies.Scenarios;

namespace NetSim.Cli.Tests;

/// <summary>The advice library without runs: the matrix is complete and checked, requirements read strictly, and each hard constraint cuts what it should.</summary>
public sealed class AdviceLibraryTests
{
    private static readonly FeatureMatrix M = FeatureMatrix.Bundled;

    private static Requirements Req(string yaml) => RequirementsLoader.Parse("nodes: 4\npods: 40\n" + yaml, "r.yaml");

    private static List<string> Eligible(Requirements r) => DatapathNames.All.Where(d => HardConstraints.Check(r, M, d).Count == 0).ToList();

    [Fact]
    public void The_matrix_has_every_datapath_and_feature_with_a_source()
    {
        Assert.Equal(DatapathNames.All.Count * Features.All.Count, M.Cells.Count);
        Assert.All(M.Cells, c => Assert.Matches(@"^(https://\S+|NetSim: .+)( ; https://\S+)*$", c.Source));
        Assert.All(M.Cells, c => Assert.False(string.IsNullOrWhiteSpace(c.Note)));
    }

    [Theory]
    [InlineData("cilium-ebpf,policy,none,x,https://a\n", "needs exactly one cell")]
    [InlineData("flannel-vxlan,policy,maybe,x,https://a\n", "'maybe' is not one of")]
    [InlineData("flannel-vxlan,policy,none,x,somewhere\n", "has no source")]
    [InlineData("kube-router,policy,none,x,https://a\n", "'kube-router' is not a datapath")]
    public void A_broken_matrix_is_refused(string extraRow, string words)
    {
        string csv = "datapath,feature,value,note,source\n" + string.Concat(M.Cells.Where(c => !(c.Datapath == "flannel-vxlan" && c.Feature == "policy"))
            .Select(c => $"{c.Datapath},{c.Feature},{c.Value},x,{c.Source}\n")) + extraRow;
        var e = Assert.Throws<InvalidDataException>(() => FeatureMatrix.Parse(csv));
        Assert.Contains(words, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_are_an_on_prem_l2_cluster_with_nothing_required()
    {
        var r = Req("");
        Assert.False(r.PolicyRequired || r.EncryptionRequired || r.AuditLogging || r.BgpAvailable);
        Assert.Equal((PerformancePriority.Latency, Platform.OnPrem, Fabric.L2, OpsMaturity.Intermediate, Budget.Moderate, 10_000_000_000L, 1500),
            (r.Priority, r.Platform, r.Fabric, r.OpsMaturity, r.Budget, r.NicRateBps, r.Mtu));
        // Everything that gives the Kubernetes network model (not host, macvlan, ipvlan, sriov, host-device), except the AWS VPC CNI, which needs an AWS VPC.
        Assert.Equal(DatapathNames.All.Where(d => d is not ("host" or "macvlan" or "ipvlan" or "sriov" or "host-device" or "aws-vpc-cni")), Eligible(r));
    }

    [Fact]
    public void Each_hard_constraint_cuts_the_datapaths_its_matrix_cells_name()
    {
        Assert.Equal(["calico-bgp", "calico-ebpf", "calico-ipip", "calico-vxlan", "cilium-ebpf", "cilium-geneve", "cilium-legacy", "cilium-vxlan", "weave", "weave-sleeve"],
            Eligible(Req("policy_required: true")));
        // Weave encrypts and has weave-npc, but no audit log of policy verdicts.
        Assert.Equal(Eligible(Req("policy_required: true")).Where(d => d is not ("weave" or "weave-sleeve")), Eligible(Req("encryption_required: true\naudit_logging: true")));
        // A routed fabric without BGP leaves only the overlays (and tunnels); with BGP, native routing comes back, but not the L2-only routes.
        Assert.Equal(["calico-ipip", "calico-vxlan", "cilium-geneve", "cilium-vxlan", "flannel-vxlan", "flannel-wireguard", "weave", "weave-sleeve"], Eligible(Req("fabric: routed")));
        Assert.Equal(["calico-bgp", "calico-ebpf", "calico-ipip", "calico-vxlan", "cilium-ebpf", "cilium-geneve", "cilium-legacy", "cilium-vxlan", "flannel-vxlan", "flannel-wireguard", "weave", "weave-sleeve"],
            Eligible(Req("fabric: routed\nbgp_available: true")));
        Assert.DoesNotContain("flannel-host-gw", Eligible(Req("platform: cloud")));
        var f = HardConstraints.Check(Req("fabric: routed"), M, "flannel-host-gw").Single();
        Assert.Equal(("fabric: routed", "underlay", "l2"), (f.Requirement, f.Cell.Feature, f.Cell.Value));
    }

    [Fact]
    public void Soft_mismatches_grow_with_complexity_above_the_team_and_on_a_minimal_budget()
    {
        Assert.Equal(0, HardConstraints.SoftScore(Req("ops_maturity: novice"), M, "flannel-vxlan"));
        Assert.Equal(2, HardConstraints.SoftScore(Req("ops_maturity: novice"), M, "cilium-ebpf"));
        Assert.Equal(3, HardConstraints.SoftScore(Req("ops_maturity: novice\nbudget: minimal"), M, "cilium-ebpf"));
        Assert.Equal(0, HardConstraints.SoftScore(Req("ops_maturity: expert"), M, "cilium-ebpf"));
        Assert.Equal(1, HardConstraints.SoftScore(Req("ops_maturity: expert\nbudget: minimal"), M, "calico-bgp"));
    }

    [Fact]
    public void The_derived_scenario_loads_and_crosses_nodes()
    {
        foreach (string f in new[] { "startup.yaml", "financial.yaml", "hpc.yaml" })
        {
            var r = RequirementsLoader.Load(Path.Combine(CalibrateCommandTests.Repo(), "scenarios", "exercises", f));
            var s = ScenarioLoader.Parse(AdviceScenario.Yaml(r), "derived.yaml");
            Assert.Equal(r.Nodes, s.Cluster.Nodes.Count);
            Assert.Equal(r.Pods, s.Workloads.Sum(w => w.Replicas));
            Assert.Equal(r.EncryptionRequired, s.Cni.Encryption);
            var placed = PodPlacement.Place(s.Cluster, s.Workloads).ToDictionary(p => p.Name, p => p.Node);
            var stream = s.Traffic.Single(t => t.Name == AdviceScenario.StreamGroup);
            Assert.NotEqual(placed[stream.From.Name], placed[stream.To.Name]);
            foreach (var t in s.Traffic.Where(t => t.Name != AdviceScenario.StreamGroup))
                Assert.NotEqual("node1", placed[t.From.Name]); // the Service's pods are all on node1
        }
    }

    [Fact]
    public void Replications_outside_the_range_are_bad_input()
    {
        Assert.Throws<InputException>(() => Advisor.Plan(Req(""), M, null, [], 0, false));
        Assert.Throws<InputException>(() => Advisor.Plan(Req(""), M, null, [], Advisor.MaxReplications + 1, false));
    }
}
