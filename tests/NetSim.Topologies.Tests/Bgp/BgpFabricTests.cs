using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Topologies.Bgp;

namespace NetSim.Topologies.Tests.Bgp;

public class BgpFabricTests
{
    private static readonly SimTime Delay = SimTime.FromMilliseconds(2);

    private static (Simulator, List<BgpSpeaker>, Dictionary<string, SortedDictionary<Ipv4Prefix, Ipv4Address>>) Nodes(int n, params int[] reflectors)
    {
        var sim = new Simulator();
        var kernel = new Dictionary<string, SortedDictionary<Ipv4Prefix, Ipv4Address>>();
        var speakers = new List<BgpSpeaker>();
        for (int i = 0; i < n; i++)
        {
            var s = new BgpSpeaker(sim, $"node{i + 1}", Ipv4Address.Parse($"172.18.0.{i + 2}"), i, reflectors.Contains(i));
            var table = kernel[s.Name] = new SortedDictionary<Ipv4Prefix, Ipv4Address>();
            s.RouteInstalled += (p, nh) => table[p] = nh;
            s.RouteWithdrawn += p => table.Remove(p);
            speakers.Add(s);
        }
        return (sim, speakers, kernel);
    }

    private static Ipv4Prefix Block(int i) => Ipv4Prefix.Parse($"192.168.{i}.0/26");

    [Fact]
    public void Full_mesh_installs_every_peers_block_via_that_peer_after_one_hop()
    {
        var (sim, speakers, kernel) = Nodes(5);
        var fabric = BgpFabric.FullMesh(speakers, Delay);
        Assert.Equal(10, fabric.Sessions); // n(n-1)/2
        for (int i = 0; i < 5; i++) speakers[i].Originate(Block(i));
        sim.Run();
        for (int i = 0; i < 5; i++)
        {
            var table = kernel[$"node{i + 1}"];
            Assert.Equal(4, table.Count);
            for (int j = 0; j < 5; j++)
                if (j != i) Assert.Equal(Ipv4Address.Parse($"172.18.0.{j + 2}"), table[Block(j)]);
        }
        Assert.Equal(Delay, fabric.ConvergedAt);
    }

    [Fact]
    public void Route_reflector_needs_n_minus_1_sessions_and_takes_two_hops()
    {
        var (sim, speakers, kernel) = Nodes(6, 0);
        var fabric = BgpFabric.WithRouteReflectors(speakers, Delay);
        Assert.Equal(5, fabric.Sessions);
        for (int i = 0; i < 6; i++) speakers[i].Originate(Block(i));
        sim.Run();
        foreach (var (node, table) in kernel) Assert.Equal(5, table.Count);
        // Client to client goes through the reflector: two session delays; next hop is still the originator.
        Assert.Equal(Ipv4Address.Parse("172.18.0.7"), kernel["node2"][Block(5)]);
        Assert.Equal(Delay * 2, fabric.ConvergedAt);
    }

    [Fact]
    public void A_removed_node_has_its_routes_withdrawn_after_detection()
    {
        var (sim, speakers, kernel) = Nodes(4);
        var fabric = BgpFabric.FullMesh(speakers, Delay);
        for (int i = 0; i < 4; i++) speakers[i].Originate(Block(i));
        sim.Run();
        Assert.True(kernel["node1"].ContainsKey(Block(3)));
        var hold = SimTime.FromSeconds(90);
        speakers[3].Shutdown(hold);
        sim.Run();
        foreach (var name in new[] { "node1", "node2", "node3" })
        {
            Assert.False(kernel[name].ContainsKey(Block(3)));
            Assert.Equal(2, kernel[name].Count);
        }
        Assert.Equal(Delay + hold, fabric.Speakers.Take(3).Max(s => s.LastChange));
    }

    [Fact]
    public void Two_reflectors_reflect_between_their_clients_without_loops()
    {
        var (sim, speakers, kernel) = Nodes(6, 0, 1);
        BgpFabric.WithRouteReflectors(speakers, Delay);
        for (int i = 0; i < 6; i++) speakers[i].Originate(Block(i));
        sim.Run();
        foreach (var (_, table) in kernel) Assert.Equal(5, table.Count);
        Assert.True(speakers.All(s => s.UpdatesReceived < 100));
    }
}
