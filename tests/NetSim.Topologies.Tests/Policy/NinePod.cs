using NetSim.Topologies.Build;
using NetSim.Topologies.Policy;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Tests.Policy;

/// <summary>
/// The 3 namespaces x 3 pods model of the upstream e2e suite and cyclonus (x, y, z labelled ns=NAME; a, b, c
/// labelled pod=NAME; ports 80 and 81 named serve-PORT-tcp), spread over three nodes, with the policies given as
/// JSON (which is YAML) NetworkPolicy objects.
/// </summary>
internal static class NinePod
{
    public static readonly string[] PolicyDatapaths = [DatapathNames.CalicoBgp, DatapathNames.CalicoEbpf, DatapathNames.CiliumEbpf, DatapathNames.Weave];

    public static string Yaml(params string[] policies)
    {
        var workloads = string.Concat(from ns in new[] { "x", "y", "z" }
                                      from p in new[] { "a", "b", "c" }
                                      select $"  - {{ name: {ns}-{p}, namespace: {ns}, labels: {{ pod: {p} }}, ports: [{{ name: serve-80-tcp, port: 80 }}, {{ name: serve-81-tcp, port: 81 }}, {{ name: serve-80-sctp, port: 80, protocol: SCTP }}] }}\n");
        string list = policies.Length == 0 ? "" : "network_policies:\n" + string.Concat(policies.Select(p => $"  - {p}\n"));
        const string head = """
            name: nine
            duration: 20ms
            cluster:
              nodes: { count: 3, cores: 2 }
            cni:
              datapath: calico-bgp
            namespaces:
              - { name: x, labels: { ns: x } }
              - { name: y, labels: { ns: y } }
              - { name: z, labels: { ns: z } }
            workloads:

            """;
        return head + workloads + list;
    }

    /// <summary>A NetworkPolicy object in namespace <paramref name="ns"/> with <paramref name="spec"/> (JSON).</summary>
    public static string Policy(string ns, string name, string spec) =>
        $$"""{"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "{{name}}", "namespace": "{{ns}}"}, "spec": {{spec}}}""";

    /// <summary>The 9-pod scenario over <paramref name="datapath"/>; "flannel-vxlan+canal" is Flannel with cni.policy_agent: canal.</summary>
    public static Scenario Load(string datapath, params string[] policies) => datapath.EndsWith(Canal, StringComparison.Ordinal)
        ? ScenarioLoader.Parse(Yaml(policies), "nine.yaml", [$"cni.datapath={datapath[..^Canal.Length]}", "cni.policy_agent=canal"])
        : ScenarioLoader.Parse(Yaml(policies), "nine.yaml", [$"cni.datapath={datapath}"]);

    public const string Canal = "+canal";

    public static ReachabilityTable Measure(string datapath, int port, params string[] policies) =>
        PolicyMatrix.Run(Load(datapath, policies), Build.ClusterSimulationTests.Profile(), [new PolicyProbe(port, "TCP")]).Tables[0].Table;

    /// <summary>A table in the reference's layout, without its header line (rows in x/a..z/c order).</summary>
    public static ReachabilityTable Table(string rows) =>
        ReachabilityTable.Parse("from\\to x/a x/b x/c y/a y/b y/c z/a z/b z/c\n" + rows, "expected")[""];

    public static void AssertSame(ReachabilityTable expected, ReachabilityTable actual, string datapath) =>
        Assert.True(actual.Differences(expected).Count == 0, $"{datapath}:\n{string.Join("\n", actual.Differences(expected))}\n{actual}");

    /// <summary>The scenario with <paramref name="policy"/> is refused with exit-2 input error naming the file, a line inside the item, and <paramref name="field"/>.</summary>
    public static void AssertRefused(string policy, string field)
    {
        var e = Assert.Throws<NetSim.Engine.Diagnostics.InputException>(() => ScenarioLoader.Parse(Yaml(policy), "nine.yaml"));
        Assert.Equal("nine.yaml", e.File);
        Assert.Equal(field, e.Field);
        Assert.True(e.Line > 10, e.Message);
    }
}
