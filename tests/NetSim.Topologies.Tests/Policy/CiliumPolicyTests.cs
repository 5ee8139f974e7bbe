using NetSim.Engine.Addressing;
using NetSim.Topologies.Policy;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Tests.Policy;

/// <summary>
/// CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy at L3/L4 on the 9-pod model, measured by policy-matrix
/// through Cilium's identity and policy-map model (cilium-ebpf, cilium-legacy): fromEndpoints scoped to the policy's
/// namespace unless they name io.kubernetes.pod.namespace, deny precedence over every allow (Kubernetes policies
/// too), entities, enableDefaultDeny; the policy map against external addresses (world, CIDR except, host); and
/// refusals of what is not modelled (L7, FQDN, Services, groups, kube-apiserver) naming their field.
/// </summary>
public sealed class CiliumPolicyTests
{
    public static TheoryData<string> Datapaths() => new() { DatapathNames.CiliumEbpf, DatapathNames.CiliumLegacy };

    private static string Cilium(string kind, string? ns, string name, string spec) =>
        $$"""{"apiVersion": "cilium.io/v2", "kind": "{{kind}}", "metadata": {"name": "{{name}}"{{(ns is null ? "" : $", \"namespace\": \"{ns}\"")}}}, "spec": {{spec}}}""";

    [Theory]
    [MemberData(nameof(Datapaths))]
    public void FromEndpoints_are_scoped_to_the_namespace_unless_they_name_one(string datapath)
    {
        var p = Cilium("CiliumNetworkPolicy", "x", "to-a", """{"endpointSelector": {"matchLabels": {"pod": "a"}}, "ingress": [{"fromEndpoints": [{"matchLabels": {"pod": "b"}}, {"matchLabels": {"k8s:io.kubernetes.pod.namespace": "y", "pod": "c"}}]}]}""");
        NinePod.AssertSame(NinePod.Table("""
            x/a - . . . . . . . .
            x/b . - . . . . . . .
            x/c X . - . . . . . .
            y/a X . . - . . . . .
            y/b X . . . - . . . .
            y/c . . . . . - . . .
            z/a X . . . . . - . .
            z/b X . . . . . . - .
            z/c X . . . . . . . -
            """), NinePod.Measure(datapath, 80, p), datapath);
    }

    [Theory]
    [MemberData(nameof(Datapaths))]
    public void Deny_wins_over_every_allow(string datapath)
    {
        // A clusterwide deny of everything from z (without default deny), and a Kubernetes policy allowing only z into x/a.
        var deny = Cilium("CiliumClusterwideNetworkPolicy", null, "no-z", """{"endpointSelector": {}, "enableDefaultDeny": {"ingress": false}, "ingressDeny": [{"fromEndpoints": [{"matchLabels": {"io.kubernetes.pod.namespace": "z"}}]}]}""");
        var allow = NinePod.Policy("x", "z-to-a", """{"podSelector": {"matchLabels": {"pod": "a"}}, "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"ns": "z"}}}]}]}""");
        NinePod.AssertSame(NinePod.Table("""
            x/a - . . . . . . . .
            x/b X - . . . . . . .
            x/c X . - . . . . . .
            y/a X . . - . . . . .
            y/b X . . . - . . . .
            y/c X . . . . - . . .
            z/a X X X X X X - X X
            z/b X X X X X X X - X
            z/c X X X X X X X X -
            """), NinePod.Measure(datapath, 80, deny, allow), datapath);
    }

    [Theory]
    [MemberData(nameof(Datapaths))]
    public void Entities_world_and_cluster_and_ports(string datapath)
    {
        // y may reach only the world (no pod); z may reach the cluster, on TCP/81 only.
        var world = Cilium("CiliumNetworkPolicy", "y", "world", """{"endpointSelector": {}, "egress": [{"toEntities": ["world"]}]}""");
        var cluster = Cilium("CiliumNetworkPolicy", "z", "cluster", """{"endpointSelector": {}, "egress": [{"toEntities": ["cluster"], "toPorts": [{"ports": [{"port": "81", "protocol": "TCP"}]}]}]}""");
        var expected80 = NinePod.Table("""
            x/a - . . . . . . . .
            x/b . - . . . . . . .
            x/c . . - . . . . . .
            y/a X X X - X X X X X
            y/b X X X X - X X X X
            y/c X X X X X - X X X
            z/a X X X X X X - X X
            z/b X X X X X X X - X
            z/c X X X X X X X X -
            """);
        NinePod.AssertSame(expected80, NinePod.Measure(datapath, 80, world, cluster), datapath);
        var at81 = NinePod.Measure(datapath, 81, world, cluster);
        for (int r = 6; r < 9; r++)
            for (int c = 0; c < 9; c++)
                if (r != c) Assert.Equal('.', at81.Cells[r, c]);
    }

    private static (ClusterPolicies Cluster, PolicyEndpoint Pod, PolicyIdentities Ids) OnePod(string policySpec)
    {
        var ns = new Dictionary<string, IReadOnlyDictionary<string, string>> { ["x"] = new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = "x" } };
        var pod = new PolicyEndpoint("x", "a", new Dictionary<string, string> { ["pod"] = "a" }, Ipv4Address.Parse("10.244.0.5"), "node-0", []);
        var other = new PolicyEndpoint("x", "b", new Dictionary<string, string> { ["pod"] = "b" }, Ipv4Address.Parse("10.244.1.5"), "node-1", []);
        string yaml = NinePod.Yaml(Cilium("CiliumNetworkPolicy", "x", "p", policySpec));
        var policy = ScenarioLoader.Parse(yaml, "nine.yaml").NetworkPolicies.Select(p => p.Policy).OfType<CiliumPolicy>().Single();
        var cluster = new ClusterPolicies(ns, [pod, other], [], null, [policy]);
        return (cluster, pod, new PolicyIdentities(cluster));
    }

    private static EndpointPolicyMap Egress((ClusterPolicies Cluster, PolicyEndpoint Pod, PolicyIdentities Ids) c)
    {
        var map = PolicyMapCompiler.Compile(c.Cluster, c.Ids, c.Pod, PolicyDirection.Egress);
        PolicyMapCompiler.AddCilium(map, c.Cluster, c.Ids, c.Pod, PolicyDirection.Egress);
        return map;
    }

    [Fact]
    public void CIDR_except_applies_to_the_world_only()
    {
        var c = OnePod("""{"endpointSelector": {}, "egress": [{"toCIDRSet": [{"cidr": "0.0.0.0/0", "except": ["10.0.0.0/8"]}], "toPorts": [{"ports": [{"port": "443"}]}]}]}""");
        var map = Egress(c);
        Assert.True(map.Allows(PolicyIdentities.World, Ipv4Address.Parse("8.8.8.8"), true, 6, 443));
        Assert.True(map.Allows(PolicyIdentities.World, Ipv4Address.Parse("8.8.8.8"), true, 17, 443)); // protocol ANY
        Assert.False(map.Allows(PolicyIdentities.World, Ipv4Address.Parse("8.8.8.8"), true, 6, 80));
        Assert.False(map.Allows(PolicyIdentities.World, Ipv4Address.Parse("10.1.2.3"), true, 6, 443)); // excepted
        var b = c.Cluster.Endpoints[1];
        Assert.False(map.Allows(c.Ids.Of(b.Address), b.Address, false, 6, 443)); // a pod is not matched by CIDR
    }

    [Fact]
    public void Entities_map_to_reserved_identities()
    {
        var map = Egress(OnePod("""{"endpointSelector": {}, "egress": [{"toEntities": ["host", "remote-node"]}], "egressDeny": [{"toCIDR": ["1.1.1.1"]}]}"""));
        var anywhere = Ipv4Address.Parse("192.168.0.1");
        Assert.True(map.Allows(PolicyIdentities.Host, anywhere, false, 6, 22));
        Assert.True(map.Allows(PolicyIdentities.RemoteNode, anywhere, false, 6, 22));
        Assert.False(map.Allows(PolicyIdentities.World, anywhere, true, 6, 22));
        var all = Egress(OnePod("""{"endpointSelector": {}, "egress": [{"toEntities": ["all"]}], "egressDeny": [{"toCIDR": ["1.1.1.1/32"], "toPorts": [{"ports": [{"port": "53", "protocol": "UDP"}]}]}]}"""));
        Assert.True(all.Allows(PolicyIdentities.World, Ipv4Address.Parse("1.1.1.1"), true, 6, 53));
        Assert.False(all.Allows(PolicyIdentities.World, Ipv4Address.Parse("1.1.1.1"), true, 17, 53));
        Assert.True(all.Allows(PolicyIdentities.World, Ipv4Address.Parse("1.1.1.2"), true, 17, 53));
    }

    [Fact]
    public void An_empty_rule_is_default_deny()
    {
        var map = Egress(OnePod("""{"endpointSelector": {}, "egress": [{}]}"""));
        Assert.True(map.Isolated);
        Assert.False(map.Allows(PolicyIdentities.World, Ipv4Address.Parse("8.8.8.8"), true, 6, 80));
    }

    [Theory]
    [InlineData("""{"endpointSelector": {}, "egress": [{"toFQDNs": [{"matchName": "example.com"}]}]}""", "spec.egress[0].toFQDNs")]
    [InlineData("""{"endpointSelector": {}, "egress": [{"toServices": [{"k8sService": {"serviceName": "s"}}]}]}""", "spec.egress[0].toServices")]
    [InlineData("""{"endpointSelector": {}, "egress": [{"toGroups": [{"aws": {}}]}]}""", "spec.egress[0].toGroups")]
    [InlineData("""{"endpointSelector": {}, "ingress": [{"toPorts": [{"ports": [{"port": "80"}], "rules": {"http": [{"method": "GET"}]}}]}]}""", "spec.ingress[0].toPorts[0].rules")]
    [InlineData("""{"endpointSelector": {}, "egress": [{"toPorts": [{"ports": [{"port": "53"}], "rules": {"dns": [{"matchPattern": "*"}]}}]}]}""", "spec.egress[0].toPorts[0].rules")]
    [InlineData("""{"endpointSelector": {}, "egress": [{"toEntities": ["kube-apiserver"]}]}""", "spec.egress[0].toEntities")]
    [InlineData("""{"endpointSelector": {}, "ingress": [{"toPorts": [{"ports": [{"port": "http"}]}]}]}""", "spec.ingress[0].toPorts[0].ports[0].port")]
    [InlineData("""{"endpointSelector": {}, "ingress": [{"fromRequires": [{}]}]}""", "spec.ingress[0].fromRequires")]
    [InlineData("""{"endpointSelector": {"matchLabels": {"reserved:host": ""}}}""", "spec.endpointSelector.matchLabels")]
    [InlineData("""{"nodeSelector": {}}""", "spec.nodeSelector")]
    [InlineData("""{"ingress": []}""", "spec.endpointSelector")]
    [InlineData("""{"endpointSelector": {}, "egress": [{"toCIDRSet": [{"cidr": "10.0.0.0/8", "except": ["11.0.0.0/16"]}]}]}""", "spec.egress[0].toCIDRSet[0].except")]
    public void Refused_fields_name_their_path(string spec, string field)
    {
        NinePod.AssertRefused(Cilium("CiliumNetworkPolicy", "x", "p", spec), $"network_policies[0].{field}");
    }

    [Fact]
    public void A_Cilium_policy_is_not_enforced_by_Calico_and_the_run_says_so()
    {
        var p = Cilium("CiliumClusterwideNetworkPolicy", null, "deny-all", """{"endpointSelector": {}, "ingress": [{}]}""");
        var table = NinePod.Measure(DatapathNames.CalicoBgp, 80, p);
        for (int r = 0; r < 9; r++)
            for (int c = 0; c < 9; c++)
                if (r != c) Assert.Equal('.', table.Cells[r, c]);
        Scenario s = NinePod.Load(DatapathNames.CalicoBgp, p);
        Assert.False(NetSim.Topologies.Build.Cni.PolicyWiring.Reads(s.Cni, s.NetworkPolicies[0].Policy));
    }
}
