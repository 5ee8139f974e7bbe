using NetSim.Engine.Addressing;
using NetSim.Planning.Requirements;
using NetSim.Topologies.Scenarios;

namespace NetSim.Planning.Tests;

/// <summary>The seed's exercise 2 (scenarios/exercises/address-plan.yaml): what the "done when" asks of its plan.</summary>
public sealed class ExerciseTwoPlanTests
{
    private static readonly AddressPlan Plan = AddressPlanner.Plan(RequirementsReader.Load(Repo.ExerciseTwo));

    [Fact]
    public void Each_environment_is_its_own_cluster_and_nothing_overlaps_the_existing_network_or_each_other()
    {
        Assert.Equal(["dev", "staging", "prod"], Plan.Clusters.Select(c => c.Demand.Name));
        Assert.Empty(Plan.Conflicts());
        var existing = Ipv4Prefix.Parse("192.168.0.0/16");
        var all = Plan.Prefixes().Select(p => p.Prefix).ToList();
        Assert.Equal(10, all.Count); // 3 × (node subnet, pod CIDR, Service CIDR) + management
        Assert.DoesNotContain(all, p => p.Overlaps(existing));
        for (int i = 0; i < all.Count; i++)
            for (int j = i + 1; j < all.Count; j++)
                Assert.False(all[i].Overlaps(all[j]), $"{all[i]} overlaps {all[j]}");
    }

    [Fact]
    public void The_report_names_what_the_avoided_network_takes()
    {
        Assert.Equal(["192.168.0.0/16: all of 192.168.0.0/16"], Plan.AvoidedSpace());
        var r = RequirementsReader.Parse(File.ReadAllText(Repo.ExerciseTwo).Replace("avoid: [192.168.0.0/16]", "avoid: [192.168.0.0/16, 192.168.4.0/22, 10.8.0.0/13]", StringComparison.Ordinal));
        var avoided = AddressPlanner.Plan(r).AvoidedSpace();
        Assert.Contains("10.8.0.0/13: 524,288 addresses of 10.0.0.0/8", avoided);
        Assert.Contains("192.168.0.0/16 overlaps 192.168.4.0/22 (both avoided)", avoided);
        Assert.Contains(PlanReport.Markdown(Plan, []).Split('\n'), l => l == "Networks avoided: 192.168.0.0/16: all of 192.168.0.0/16.");
    }

    [Fact]
    public void Every_cluster_has_room_for_twice_its_pods_Services_and_nodes()
    {
        foreach (var c in Plan.Clusters)
        {
            // Twice 3 + 20 nodes, each with a /24 from the pod CIDR, and an address in the node subnet (+ the API VIP).
            Assert.True(c.PodCidr!.Value.Size / 256 >= 46, $"{c.Demand.Name}: {c.PodCidr} holds {c.PodCidr.Value.Size / 256} /24s");
            Assert.True(c.NodeSubnet.Size - 3 >= 46 + 1, $"{c.Demand.Name}: {c.NodeSubnet}");
            // Twice 1,000 pods on twice 20 workers at min(110, 253) each.
            Assert.True(40 * Math.Min(110, 253) >= 2000);
            Assert.True(c.PodCidr.Value.Size / 256 * 253 >= 2000);
            // Twice 100 Services plus kubernetes and kube-dns, network and broadcast excluded.
            Assert.True(c.ServiceCidr.Size - 2 >= 200 + 2, $"{c.Demand.Name}: {c.ServiceCidr}");
            Assert.All(c.Rows, r => Assert.True(r.After <= r.Capacity, $"{c.Demand.Name}: {r.Resource} {r.After} > {r.Capacity}"));
        }
        Assert.True(Plan.Management!.Value.Size - 3 >= 160);
    }

    [Fact]
    public void The_plan_is_the_smallest_aligned_one_in_10_8()
    {
        // 46 nodes → 64 /24 subnets = /18; 204 + 2 Service addresses → /24; 47 + 3 node addresses → /26; together a /17.
        var dev = Plan.Clusters[0];
        Assert.Equal("10.0.0.0/18", dev.PodCidr.ToString());
        Assert.Equal("10.0.64.0/24", dev.ServiceCidr.ToString());
        Assert.Equal("10.0.65.0/26", dev.NodeSubnet.ToString());
        Assert.Equal("10.0.0.0/17", dev.Block.ToString());
        Assert.Equal(["10.0.0.0/17", "10.0.128.0/17", "10.1.0.0/17"], Plan.Clusters.Select(c => c.Block.ToString()));
        Assert.Equal("10.1.128.0/24", Plan.Management.ToString());
        Assert.Equal("Service IPs", dev.RunsOutFirst.Resource); // 102 of 254 now: ×2.4
    }

    [Fact]
    public void Its_scenarios_load_with_the_planned_prefixes()
    {
        var scenarios = PlanScenarios.Build(Plan);
        Assert.Equal(["dev.yaml", "staging.yaml", "prod.yaml"], scenarios.Select(s => s.FileName));
        foreach (var ((file, s), c) in scenarios.Zip(Plan.Clusters))
        {
            Assert.Equal(c.PodCidr, s.Cluster.PodCidr);
            Assert.Equal(c.ServiceCidr, s.Cluster.ServiceCidr);
            Assert.Equal(c.NodeSubnet, s.Cluster.NodeCidr);
            Assert.Equal(23, s.Cluster.Nodes.Count);
            Assert.Equal(3, s.Cluster.Nodes.Count(n => n.Role == "control-plane"));
            Assert.Equal(1000, s.Workloads.Sum(w => w.Replicas));
            Assert.Equal(100, s.Services.Count);
            // The resolved text loads back to the same cluster.
            var again = ScenarioLoader.Parse(PlanScenarios.Text(s), file);
            Assert.Equal(s.Cluster.PodCidr, again.Cluster.PodCidr);
        }
    }
}
