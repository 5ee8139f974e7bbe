using NetSim.Engine.Costs;
using NetSim.Engine.Packets;
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

    /// <summary>Three nodes (two peers each), a stream, UDP, TCP_RR through a Service, TCP_CRR and ping at once.</summary>
    private const string Mix = """
        name: wireguard-mix
        seed: 5
        duration: 8ms
        warmup: 2ms
        cluster:
          nodes: { count: 3, cores: 4 }
          nic: { rate: 25Gbps, mtu: 1500 }
        cni: { datapath: calico-bgp, encryption: true }
        kube_proxy: { mode: iptables }
        workloads:
          - { name: client, placement: pinned, nodes: [node1] }
          - name: web
            replicas: 2
            placement: pinned
            nodes: [node2, node3]
            ports: [{ name: http, port: 8080 }]
        services:
          - name: web
            selector: { app: web }
            ports: [{ port: 80, target_port: http }]
        traffic:
          - { name: stream, kind: bulk, from: pod:client, to: pod:web-0, streams: 2 }
          - { name: udp, kind: bulk, from: pod:client, to: pod:web-1, protocol: udp, rate: 2Gbps }
          - { name: rr, kind: rr, from: pod:web-1, to: pod:client }
          - { name: crr, kind: crr, from: pod:client, to: pod:web-1 }
          - { name: ping, kind: ping, from: pod:web-0, to: pod:client }
        """;

    private static RunResult Run(string yaml, params string[] sets)
    {
        var s = ScenarioLoader.Parse(yaml, "wg.yaml", sets);
        var r = new ClusterSimulation().Run(s, ClusterSimulationTests.Profile(), null, RunOptions.Default);
        Assert.True(r.Holds, $"{r.Conservation}; {r.Invariants}");
        return r;
    }

    private static double Gbps(RunResult r, string group = "stream") => r.Groups.Single(g => g.Name == group).Application.GoodputBitsPerSecond / 1e9;

    private static long Packets(RunResult r, string node, string elementEnd) =>
        r.Elements.Where(e => e.Node == node && e.Element.EndsWith(elementEnd, StringComparison.Ordinal)).Sum(e => e.Packets);

    [Fact]
    public void One_streams_rate_rises_with_cores_until_the_peers_transmit_worker_fills_its_core()
    {
        RunResult one = Run(Stream, "cluster.nodes.cores=1"), two = Run(Stream, "cluster.nodes.cores=2"), sixteen = Run(Stream, "cluster.nodes.cores=16");
        double g1 = Gbps(one), g2 = Gbps(two), g16 = Gbps(sixteen);
        Assert.True(g1 < g2 && g2 < g16, $"{g1:0.00} < {g2:0.00} < {g16:0.00} Gbit/s");
        Assert.True(g16 / g2 < g2 / g1, "the gain from more cores shrinks once the serial stage is the limit");
        foreach (RunResult r in new[] { two, sixteen })
        {
            // The peer's id is 1, so its transmit worker runs on CPU 1 (id modulo the CPUs): the sender's busiest core, full.
            var cores = r.Nodes.Single(n => n.Node == "node1").BusyPsPerCore;
            Assert.Equal(cores.Max(), cores[1]);
            Assert.True(cores[1] > 0.95 * r.MeasuredSeconds * 1e12, $"the serial CPU is saturated: {cores[1] / 1e6:0} us of {r.MeasuredSeconds * 1e6:0}");
        }
        var spread = sixteen.Nodes.Single(n => n.Node == "node1").BusyPsPerCore;
        Assert.True(spread.Count(b => b > 0) >= 12, "encryption runs on every CPU in turn");
    }

    [Theory]
    [InlineData(DatapathNames.CalicoBgp)]
    [InlineData(DatapathNames.CalicoEbpf)]
    [InlineData(DatapathNames.CiliumLegacy)]
    [InlineData(DatapathNames.CiliumEbpf)]
    public void Every_datapath_with_encryption_carries_all_traffic_kinds_through_the_tunnel_and_holds_the_run_invariants(string datapath)
    {
        RunResult r = Run(Mix, $"cni.datapath={datapath}");
        Assert.True(Gbps(r) > 0.5, $"{datapath}: stream {Gbps(r):0.000} Gbit/s");
        Assert.True(Gbps(r, "udp") > 0.1, $"{datapath}: udp {Gbps(r, "udp"):0.000} Gbit/s");
        Assert.True(r.Groups.Single(g => g.Name == "rr").Application.Transactions > 20);
        Assert.True(r.Groups.Single(g => g.Name == "crr").Application.Transactions > 5);
        // Every inter-node packet went through the tunnel: node1 encrypts towards both peers and decrypts from both.
        Assert.True(Packets(r, "node1", "wg_packet_tx_worker") > 500);
        Assert.True(Packets(r, "node1", "wg_packet_decrypt_worker") > 100);
        Assert.True(Packets(r, "node2", "wg_packet_decrypt_worker") > 300);
        Assert.True(Packets(r, "node3", "wg_packet_decrypt_worker") > 100);
        Assert.DoesNotContain(r.Drops, d => d.Reason is DropReason.NotForThisHost or DropReason.NoRoute);
    }

    [Fact]
    public void A_UDP_flood_fills_the_peers_bounded_queue_drops_the_rest_as_QueueFull_and_sends_no_faster_than_its_serial_stage()
    {
        RunResult r = Run(Stream, "cluster.nodes.cores=8", "traffic[0].protocol=udp", "traffic[0].rate=40Gbps", "traffic[0].streams=6");
        // Six senders offer far more than one transmit worker sends: the peer's queue drops most of the excess. The
        // receiving socket overflows too now and then: one iperf3 -s thread reads all six streams, with its own work
        // per datagram (iperf3.udp_receive) and drawn costs, on the core its softirq runs on.
        var drops = Assert.Single(r.Drops, d => d.Reason == DropReason.QueueFull);
        Assert.True(drops.Packets > 1000, $"{drops.Packets} dropped");
        Assert.True(drops.Packets > 3 * r.Drops.Where(d => d.Reason != DropReason.QueueFull).Sum(d => d.Packets), string.Join(", ", r.Drops));
        // The transmit worker alone costs wireguard.tx_worker a packet on its CPU: no more packets per second than that.
        long txWorkerPs = ClusterSimulationTests.Profile()[CostKeys.WireGuardTxWorker].FixedPs;
        long sent = Packets(r, "node1", "wg_packet_tx_worker");
        Assert.True(sent / r.MeasuredSeconds <= 1e12 / txWorkerPs, $"{sent / r.MeasuredSeconds:0} packets/s");
        Assert.True(sent / r.MeasuredSeconds > 0.5e12 / txWorkerPs, "the serial stage runs flat out");
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
