using NetSim.Datapaths.Netfilter;
using NetSim.Engine.Diagnostics;
using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios;

namespace NetSim.Topologies.Tests.Scenarios;

/// <summary>kube_proxy.iptables_backend: which subsystem evaluates the nodes' iptables rules (nft unless the scenario says legacy).</summary>
public class IptablesBackendFieldTests
{
    [Fact]
    public void The_backend_defaults_to_nft_and_survives_a_round_trip()
    {
        var plain = ScenarioLoader.Parse(ScenarioLoaderTests.Valid, "two.yaml");
        Assert.Equal("nft", plain.KubeProxy.IptablesBackend);
        var legacy = ScenarioLoader.Parse(ScenarioLoaderTests.Valid, "two.yaml", ["kube_proxy.iptables_backend=legacy"]);
        Assert.Equal("legacy", legacy.KubeProxy.IptablesBackend);
        Assert.Equal("legacy", ScenarioLoader.Parse(ScenarioWriter.Write(legacy), "resolved.yaml").KubeProxy.IptablesBackend);
    }

    [Theory]
    [InlineData("legacy", IptablesBackend.Legacy)]
    [InlineData("nft", IptablesBackend.Nft)]
    public void Every_nodes_own_namespace_evaluates_its_rules_in_that_backend(string name, IptablesBackend backend)
    {
        var s = ScenarioLoader.Parse(ScenarioLoaderTests.Valid, "two.yaml", [$"kube_proxy.iptables_backend={name}"]);
        var cluster = ClusterBuilder.Build(s, Build.ClusterSimulationTests.Profile());
        Assert.All(cluster.Nodes, n => Assert.Equal(backend, n.Host.Netfilter.Backend));
    }

    [Fact]
    public void An_unknown_backend_names_the_field()
    {
        var e = Assert.Throws<InputException>(() => ScenarioLoader.Parse(ScenarioLoaderTests.Valid, "two.yaml", ["kube_proxy.iptables_backend=xtables"]));
        Assert.Equal("kube_proxy.iptables_backend", e.Field);
    }
}
