using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Simulation;

namespace NetSim.Topologies.Tests.Build;

/// <summary>Node-to-node WireGuard (cni.encryption) in whole clusters: where its work runs and what that does to one stream.</summary>
public class WireGuardClusterTests
{
    private const string Stream = """
        name: wireguard-stream
        seed: 3
        duration: 20ms
        warmup: 10ms
        cluster:
          nodes: { count: 2, cores: 1 }
          nic: { rate: 100Gbps }
        cni: { datapath: calico-bgp, encryption: true }
        workloads:
          - { name: client, placement: pinned, nodes: [node1] }
          - { name: server, placement: pinned, nodes: [node2] }
        traffic:
          - { name: stream, kind: bulk, from: pod:client, to: pod:server }
        """;

    private static RunResult Run(int cores)
    {
        var s = ScenarioLoader.Parse(Stream, "wg.yaml", [$"cluster.nodes.cores={cores}"]);
        var r = new ClusterSimulation().Run(s, ClusterSimulationTests.Profile(), null, RunOptions.Default);
        Assert.True(r.Holds, $"{r.Conservation}; {r.Invariants}");
        return r;
    }

    private static double Gbps(RunResult r) => r.Groups.Single().Application.GoodputBitsPerSecond / 1e9;

    [Fact]
    public void One_streams_rate_rises_with_cores_until_the_peers_transmit_worker_fills_its_core()
    {
        RunResult one = Run(1), four = Run(4), sixteen = Run(16);
        double g1 = Gbps(one), g4 = Gbps(four), g16 = Gbps(sixteen);
        Assert.True(g1 < g4 && g4 < g16, $"{g1:0.00} < {g4:0.00} < {g16:0.00} Gbit/s");
        Assert.True(g16 / g4 < g4 / g1, "the gain from more cores shrinks once the serial stage is the limit");
        // The peer's id is 1, so its transmit worker runs on CPU 1 (id modulo the CPUs): the busiest core of the sender.
        var cores = sixteen.Nodes.Single(n => n.Node == "node1").BusyPsPerCore;
        Assert.Equal(cores.Max(), cores[1]);
        Assert.True(cores[1] > 0.95 * sixteen.MeasuredSeconds * 1e12, "the serial CPU is saturated");
    }

    [Fact]
    public void A_traced_request_shows_each_stage_of_the_tunnel_as_a_hop_on_its_node()
    {
        var s = ScenarioLoader.Parse(Stream, "wg.yaml", ["cni.datapath=cilium-ebpf", "cluster.nodes.cores=4"]);
        var client = new EndpointRef(EndpointKind.Pod, "client", 0, null, null);
        var t = new ClusterSimulation().Trace(s, ClusterSimulationTests.Profile(), null, new TraceRequest(client, client with { Name = "server" }, 0));
        var request = t.Packets.First(p => p.What.Contains("(1 B)", StringComparison.Ordinal));
        (string Node, string Element)[] stages =
        [
            ("node1", "cilium_wg0"), ("node1", "cilium_wg0/wg_packet_encrypt_worker"), ("node1", "cilium_wg0/wg_packet_tx_worker"),
            ("node2", "host/cilium_wg0/wg_receive"), ("node2", "cilium_wg0/wg_packet_decrypt_worker"), ("node2", "cilium_wg0/wg_packet_rx_poll"),
        ];
        int[] at = stages.Select(s => request.Hops.ToList().FindIndex(h => h.Node == s.Node && h.Element == s.Element)).ToArray();
        Assert.All(at, i => Assert.True(i >= 0, string.Join(", ", request.Hops.Select(h => $"{h.Node}/{h.Element}"))));
        Assert.Equal(at.Order(), at);
        Assert.Contains("on cpu 1", request.Hops[at[2]].Action, StringComparison.Ordinal); // the peer's serial CPU
    }
}
