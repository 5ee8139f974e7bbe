using NetSim.Engine.Diagnostics;
using NetSim.Topologies.Build;
using NetSim.Topologies.Cni;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Tests.Build;

namespace NetSim.Topologies.Tests.Scenarios;

/// <summary>Scenario fields checked against what the model can do, and conflists typed as the plugins read them.</summary>
public sealed class InputLimitsTests
{
    private const string Base = """
        name: limits
        duration: 10ms
        cluster:
          nodes: { count: 2 }
        workloads:
          - { name: client, placement: pinned, nodes: [node1] }
          - { name: server, placement: pinned, nodes: [node2], ports: [{ name: http, port: 8080 }] }
        traffic:
          - { name: t, kind: rr, from: pod:client, to: pod:server }
        """;

    private static string Refusal(params string[] sets) =>
        Assert.Throws<InputException>(() => ScenarioLoader.Parse(Base, "s.yaml", sets)).Message;

    [Theory]
    [InlineData("traffic[0].in_flight=2", "traffic[0].kind=crr", "traffic[0].in_flight: is not used by crr traffic")]
    [InlineData("traffic[0].kind=bulk", "traffic[0].rate=1Gbps", "traffic[0].rate: is not used by bulk over TCP traffic")]
    [InlineData("traffic[0].kind=ping", "traffic[0].request_size=10", "traffic[0].request_size: is not used by ping traffic")]
    [InlineData("traffic[0].kind=poisson", "traffic[0].protocol=udp", "traffic[0].protocol: poisson arrivals open TCP connections")]
    [InlineData("traffic[0].response_size=2GiB", "duration=10ms", "outside 1..1073741824")]
    [InlineData("cluster.l2_cache=4GiB", "duration=10ms", "cluster.l2_cache: 4294967296 bytes is outside 1024..1073741824")]
    [InlineData("cluster.nic.rate=100bps", "duration=10ms", "cluster.nic.rate: 100bps is outside 1Kbps..10Tbps")]
    [InlineData("duration=2d", "warmup=0s", "unknown unit")]
    [InlineData("duration=25h", "warmup=0s", "duration: 90000s is above the maximum 86400s")]
    public void Fields_outside_what_the_model_does_are_refused(string a, string b, string words) =>
        Assert.Contains(words, Refusal(a, b), StringComparison.Ordinal);

    [Fact]
    public void A_field_a_kind_does_not_use_is_not_written_either()
    {
        foreach (string kind in TrafficSpecKinds)
        {
            var s = ScenarioLoader.Parse(Base, "s.yaml", [$"traffic[0].kind={kind}", .. kind == "poisson" ? new[] { "traffic[0].mean_interarrival=1ms" } : []]);
            var again = ScenarioLoader.Parse(ScenarioWriter.Write(s), "w.yaml");
            Assert.Equal(s.Traffic[0] with { }, again.Traffic[0]);
        }
    }

    private static readonly string[] TrafficSpecKinds = ["bulk", "rr", "crr", "poisson", "ping"];

    [Theory]
    [InlineData("{\"name\":\"n\",\"cniVersion\":\"1.0.0\",\"plugins\":[{\"type\":\"bridge\",\"mtu\":\"1500\"}]}", "plugins[0].mtu: \"1500\" where a whole number belongs")]
    [InlineData("{\"name\":\"n\",\"cniVersion\":\"1.0.0\",\"plugins\":[{\"type\":\"bridge\",\"isGateway\":\"yes\"}]}", "plugins[0].isGateway: \"yes\" where a true or false belongs")]
    [InlineData("{\"name\":\"n\",\"cniVersion\":\"1.0.0\",\"plugins\":[{\"type\":\"bridge\",\"mtu\":40}]}", "plugins[0].mtu: invalid MTU 40")]
    [InlineData("{\"name\":\"n\",\"cniVersion\":\"1.0.0\",\"plugins\":{\"type\":\"bridge\"}}", "plugins: {\"type\":\"bridge\"} where a array belongs")]
    [InlineData("{\"name\":\"n\",\"name\":\"m\",\"cniVersion\":\"1.0.0\",\"plugins\":[]}", "Duplicate property 'name'")]
    public void Conflist_values_of_the_wrong_type_are_decode_errors(string json, string words) =>
        Assert.Contains(words, Assert.Throws<CniException>(() => NetworkConfigList.Parse(json)).Msg, StringComparison.Ordinal);

    public static TheoryData<string, bool> Datapaths()
    {
        var data = new TheoryData<string, bool>();
        foreach (string d in DatapathNames.All) data.Add(d, false);
        foreach (string d in new[] { DatapathNames.CalicoBgp, DatapathNames.CalicoEbpf, DatapathNames.CiliumLegacy, DatapathNames.CiliumEbpf }) data.Add(d, true);
        return data;
    }

    /// <summary>Validation's pod MTU (what a ping must fit) is the one the built cluster gives its pods.</summary>
    [Theory]
    [MemberData(nameof(Datapaths))]
    public void The_pod_mtu_validation_uses_is_the_built_clusters(string datapath, bool encryption)
    {
        var s = ScenarioLoader.Parse(Base, "s.yaml", [$"cni.datapath={datapath}", $"cni.encryption={(encryption ? "true" : "false")}", "cluster.nic.mtu=9000"]);
        var cluster = ClusterBuilder.Build(s, ClusterSimulationTests.Profile());
        Assert.Equal(cluster.Network.PodMtu(cluster.Nodes[0]), InterfaceMtu.PodMtu(s, s.Cluster.Nodes[0].Nic));
    }
}
