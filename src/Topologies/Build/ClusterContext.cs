using NetSim.Engine.Core;
using NetSim.Engine.Costs;
using NetSim.Engine.Packets;
using NetSim.Engine.Randomness;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Build;

/// <summary>What every builder shares: the scenario, the profile, the simulator, the packet pool, the random streams and the fabric.</summary>
public sealed class ClusterContext
{
    public ClusterContext(Scenario scenario, CostProfile profile, Simulator sim, PacketPool pool, RandomStreams streams, Fabric fabric)
    {
        Scenario = scenario;
        Profile = profile;
        Sim = sim;
        Pool = pool;
        Streams = streams;
        Fabric = fabric;
    }

    public Scenario Scenario { get; }
    public CostProfile Profile { get; }
    public Simulator Sim { get; }
    public PacketPool Pool { get; }
    public RandomStreams Streams { get; }
    public Fabric Fabric { get; }
    public List<BuiltNode> Nodes { get; } = new();

    /// <summary>A named random stream: its numbers do not change when other streams are added.</summary>
    public RandomStream Random(string name) => Streams.Get(name);
}
