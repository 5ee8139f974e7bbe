using NetSim.Engine.Addressing;
using NetSim.Engine.Diagnostics;
using NetSim.Topologies.Build;
using NetSim.Topologies.Build.Cni;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Simulation;
using NetSim.Topologies.Tests.Scenarios;

namespace NetSim.Topologies.Tests.Build;

/// <summary>
/// The aws-vpc-cni datapath built and run: pods hold ENI addresses from the VPC subnet, a pod on a secondary ENI
/// leaves by that ENI through its policy-routing rule (trace: veth → ip rule → eth1), the node's max pods is
/// enforced per instance type, and every run keeps packet conservation and the physical invariants.
/// </summary>
public class AwsVpcCniTests
{
    // t3.nano: 2 ENIs x 2 IPv4 each, one pod address per ENI; "first" takes eth0's, so "client" gets eth1's.
    private const string TwoEnis = """
        name: aws-enis
        seed: 3
        duration: 30ms
        warmup: 5ms
        cluster:
          nodes: { count: 2, cores: 2 }
          nic: { rate: 10Gbps, mtu: 9001 }
        cni:
          datapath: aws-vpc-cni
          aws: { instance_type: t3.nano }
        workloads:
          - { name: first, placement: pinned, nodes: [node1] }
          - { name: client, placement: pinned, nodes: [node1] }
          - { name: server, placement: pinned, nodes: [node2] }
        traffic:
          - { name: rr, kind: rr, from: pod:client, to: pod:server }
          - { name: local, kind: rr, from: pod:first, to: pod:client, start: 10ms }
          - { name: to-node, kind: ping, from: pod:client, to: node:node2, count: 1 }
          - { name: from-node, kind: ping, from: node:node2, to: pod:client, count: 1 }
        """;

    private static EndpointRef Pod(string name) => new(EndpointKind.Pod, name, 0, null, null);

    [Fact]
    public void Pods_hold_secondary_addresses_of_the_nodes_enis_with_their_rules()
    {
        var cluster = ClusterBuilder.Build(ScenarioLoader.Parse(TwoEnis, "aws.yaml"), ClusterSimulationTests.Profile());
        var aws = Assert.IsType<AwsVpcNetwork>(cluster.Network);
        var node1 = cluster.Nodes.Single(n => n.Name == "node1");
        var ipamd = aws.Ipamds[node1];
        Assert.Equal(["eth0", "eth1"], ipamd.Enis.Select(e => e.Device.Name));
        var client = cluster.Pods.Single(p => p.Placed.Name == "client-0");
        var first = cluster.Pods.Single(p => p.Placed.Name == "first-0");
        Assert.Same(ipamd.Enis[0], ipamd.EniOf(first.Address));
        Assert.Same(ipamd.Enis[1], ipamd.EniOf(client.Address));
        Assert.True(node1.NodeSubnet.Contains(client.Address), "the pod's address is in the node's VPC subnet, not a pod CIDR");
        Assert.StartsWith("eni", client.HostVeth!.Name, StringComparison.Ordinal);
        var rules = node1.Host.Rules.Select(r => r.ToString()).ToList();
        Assert.Contains($"512: from all to {first.Address} lookup main", rules);
        Assert.Contains($"512: from all to {client.Address} lookup main", rules);
        Assert.Contains($"1536: from {client.Address} lookup 2", rules);
        Assert.DoesNotContain($"1536: from {first.Address} lookup 2", rules); // a primary-ENI pod routes by main
        Assert.Contains("1024: not from all to 172.18.0.0/16 lookup main", rules);
        Assert.Contains(node1.Host.Netfilter.Nat.Chains, c => c.Name == AwsVpcNetwork.SnatChain);
        // Leaving the VPC, even a secondary-ENI pod goes out of eth0 by main (rule 1024 before 1536), where the
        // SNAT chain rewrites it to the primary ENI's address; inside the VPC it leaves by its own ENI.
        var outside = node1.Host.LookupRoute(Ipv4Address.Parse("8.8.8.8"), client.Address, out _, out var viaRule)!;
        Assert.Equal(("eth0", 1024), (outside.Device!.Name, viaRule!.Priority));
        var inside = node1.Host.LookupRoute(Ipv4Address.Parse("172.18.0.200"), client.Address, out _, out viaRule)!;
        Assert.Equal(("eth1", 1536), (inside.Device!.Name, viaRule!.Priority));
        var snat = node1.Host.Netfilter.Nat.Chains.Single(c => c.Name == AwsVpcNetwork.SnatChain).Rules;
        Assert.Equal(Ipv4Prefix.Parse("172.18.0.0/16"), snat[0].Destination);
        Assert.Equal(node1.Address, Assert.IsType<NetSim.Datapaths.Netfilter.SnatTarget>(snat[1].Target).Range.MinAddress);
    }

    [Fact]
    public void A_pod_on_a_secondary_eni_leaves_by_that_eni_through_its_rule()
    {
        var s = ScenarioLoader.Parse(TwoEnis, "aws.yaml");
        var t = new ClusterSimulation().Trace(s, ClusterSimulationTests.Profile(), null, new TraceRequest(Pod("client"), Pod("server"), 0));
        var request = t.Packets.First(p => p.What.Contains("PSH", StringComparison.Ordinal));
        var hops = request.Hops.ToList();
        int veth = hops.FindIndex(h => h.Node == "node1" && h.Element.StartsWith("eni", StringComparison.Ordinal));
        int rule = hops.FindIndex(h => h.Node == "node1" && h.Action.Contains("ip rule \"1536: from", StringComparison.Ordinal) && h.Action.EndsWith("forward via eth1", StringComparison.Ordinal));
        int eni = hops.FindIndex(h => h.Node == "node1" && h.Element == "eth1");
        Assert.True(veth >= 0 && rule > veth && eni > rule, string.Join("\n", hops.Select(h => $"{h.Node} {h.Element} {h.Action}")));
        // On node2 the "to pod lookup main" rule delivers into the server's veth.
        Assert.Contains(hops, h => h.Node == "node2" && h.Action.Contains("ip rule \"512: from all to", StringComparison.Ordinal));
    }

    [Fact]
    public void A_run_conserves_packets_and_keeps_the_physical_invariants()
    {
        var r = new ClusterSimulation().Run(ScenarioLoader.Parse(TwoEnis, "aws.yaml"), ClusterSimulationTests.Profile(), null, RunOptions.Default);
        Assert.True(r.Conservation.Holds, r.Conservation.ToString());
        Assert.True(r.Invariants.Holds, r.Invariants.ToString());
        Assert.All(r.Groups.Where(g => g.Kind == "rr"), g => Assert.True(g.Application.Transactions > 0, $"{g.Name}: no transactions"));
        // A secondary-ENI pod and a node reach each other: eth1 resolves the node's address on the subnet.
        Assert.Contains("ping to-node: 1 packets transmitted, 1 received", string.Join("\n", r.Notes), StringComparison.Ordinal);
        Assert.Contains("ping from-node: 1 packets transmitted, 1 received", string.Join("\n", r.Notes), StringComparison.Ordinal);
        Assert.Contains(r.Notes, n => n.StartsWith("aws-vpc-cni node1 (t3.nano, max pods 4): 2 ENIs attached", StringComparison.Ordinal));
    }

    [Fact]
    public void More_pods_than_max_pods_is_refused_naming_the_field_unless_prefix_delegation_is_on()
    {
        string five = TwoEnis.Replace("  - { name: first, placement: pinned, nodes: [node1] }", "  - { name: first, replicas: 2, placement: pinned, nodes: [node1] }", StringComparison.Ordinal);
        var e = Assert.Throws<InputException>(() => ScenarioLoader.Parse(five, "aws.yaml"));
        Assert.Equal("workloads[1].replicas", e.Field);
        Assert.Contains("t3.nano has max pods 4", e.Problem, StringComparison.Ordinal);
        var pd = ScenarioLoader.Parse(five.Replace("{ instance_type: t3.nano }", "{ instance_type: t3.nano, prefix_delegation: true }", StringComparison.Ordinal), "aws.yaml");
        Assert.True(pd.Cni.Aws!.PrefixDelegation);
        var r = new ClusterSimulation().Run(pd, ClusterSimulationTests.Profile(), null, RunOptions.Default);
        Assert.True(r.Conservation.Holds && r.Invariants.Holds);
        // 3 pods: one /28 in use and one warm (WARM_PREFIX_TARGET=1), one per ENI on t3.nano's single slot each.
        Assert.Contains(r.Notes, n => n.StartsWith("aws-vpc-cni node1 (t3.nano, max pods 34): 2 ENIs attached (eth0 13 of 16 free in 1 /28, eth1 16 of 16 free in 1 /28)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{ instance_type: t3.nano }", "{ instance_type: t9.huge }", "cni.aws.instance_type", "not an instance type the VPC CNI knows")]
    [InlineData("{ instance_type: t3.nano }", "{ instance_type: t3.nano, warm_eni_targt: 1 }", "cni.aws.warm_eni_targt", "unknown field")]
    [InlineData("{ instance_type: t3.nano }", "{ instance_type: m4.large, prefix_delegation: true }", "cni.aws.prefix_delegation", "not a Nitro instance")]
    public void Bad_aws_settings_name_their_field(string find, string replace, string field, string words)
    {
        var e = Assert.Throws<InputException>(() => ScenarioLoader.Parse(TwoEnis.Replace(find, replace, StringComparison.Ordinal), "aws.yaml"));
        Assert.Equal(field, e.Field);
        Assert.Contains(words, e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_datapath_reads_the_aws_settings_and_does_not_apply_them()
    {
        var s = ScenarioLoader.Parse(TwoEnis, "aws.yaml", ["cni.datapath=calico-bgp", "workloads[0].replicas=3"]);
        Assert.Equal("t3.nano", s.Cni.Aws!.InstanceType); // 4 pods on node1 would be too many on aws-vpc-cni
        Assert.Throws<InputException>(() => ScenarioLoader.Parse(TwoEnis, "aws.yaml", ["workloads[0].replicas=3"]));
    }

    [Fact]
    public void The_resolved_scenario_writes_the_aws_settings_and_reads_back_the_same()
    {
        var s = ScenarioLoader.Parse(TwoEnis, "aws.yaml");
        var again = ScenarioLoader.Parse(ScenarioWriter.Write(s), "again.yaml");
        Assert.Equal(s.Cni.Aws, again.Cni.Aws);
        Assert.Equal(AwsVpcCniSpec.Defaults with { InstanceType = "t3.nano" }, again.Cni.Aws);
    }
}
