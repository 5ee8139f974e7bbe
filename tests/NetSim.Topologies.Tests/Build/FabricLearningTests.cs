using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Simulation;

namespace NetSim.Topologies.Tests.Build;

public class FabricLearningTests
{
    [Fact]
    public void The_first_frame_to_each_host_is_not_flooded_to_the_other_hosts()
    {
        // ARP is instant in the model (no frames), so a switch that only learned from traffic flooded each first frame
        // to a host that had not sent yet; the copies died at the other hosts' NICs as NotForThisHost (9 of them in
        // service-nodeport). On Linux the ARP exchange before that frame teaches the switch both MACs: no flood.
        var s = ScenarioLoader.Load(BundledScenarioTests.Scenario("service-nodeport.yaml"), ["duration=30ms"]);
        var r = new ClusterSimulation().Run(s, ClusterSimulationTests.Profile(), null, RunOptions.Default);
        Assert.True(r.Conservation.Holds, r.Conservation.ToString());
        Assert.Empty(r.Drops);
        Assert.All(r.Groups, g => Assert.True(g.Application.Transactions > 100, g.Name));
    }
}
