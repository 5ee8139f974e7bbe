using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Simulation;

namespace NetSim.Topologies.Tests.Build;

/// <summary>
/// The physics every run must respect: offered UDP is delivered until a core saturates, a socket's send buffer
/// paces a sender to its NIC, goodput never exceeds the wire, cores scale with streams, and the run-end invariants
/// hold over randomly generated scenarios.
/// </summary>
public class PhysicalInvariantsTests
{
    private const string Pair = """
        name: pair
        seed: 5
        duration: 40ms
        warmup: 10ms
        cluster:
          nodes: { count: 2, cores: 8 }
          nic: { rate: 10Gbps, mtu: 1500 }
        cni: { datapath: calico-bgp }
        workloads:
          - { name: client, placement: pinned, nodes: [node1] }
          - { name: server, placement: pinned, nodes: [node2] }
        traffic:
          - { name: udp, kind: bulk, protocol: udp, rate: 1Gbps, from: pod:client, to: pod:server }
        """;

    private static RunResult Run(string yaml, params string[] sets) => Run(RunOptions.Default, yaml, sets);

    private static RunResult Run(RunOptions options, string yaml, params string[] sets)
    {
        var r = new ClusterSimulation().Run(ScenarioLoader.Parse(yaml, "pair.yaml", sets), ClusterSimulationTests.Profile(), null, options);
        Assert.True(r.Conservation.Holds, r.Conservation.ToString());
        Assert.True(r.Invariants.Holds, r.Invariants.ToString());
        return r;
    }

    private static double Gbps(RunResult r) => r.Groups[0].Application.GoodputBitsPerSecond / 1e9;

    /// <summary>Streams to a Service with a backend on the client's own node: that share never crosses the NIC.</summary>
    private const string LocalBackend = """
        name: local-backend
        seed: 3
        duration: 6ms
        warmup: 2ms
        cluster:
          nodes: { count: 2, cores: 4 }
          nic: { rate: 1Gbps, mtu: 1500 }
        cni: { datapath: calico-bgp }
        workloads:
          - { name: a, replicas: 2, placement: spread, ports: [{ name: data, port: 5201 }] }
        services:
          - { name: all, selector: { app: a }, ports: [{ port: 5201, target_port: data }] }
        traffic:
          - { name: s, kind: bulk, from: pod:a-0, to: service:all, streams: 8 }
        """;

    [Fact]
    public void A_Service_backend_on_the_clients_node_is_not_charged_to_the_wire()
    {
        // The local backend's streams run over veths at memory speed, so the group may exceed the 1 Gbit/s NIC.
        var r = Run(LocalBackend);
        Assert.True(Gbps(r) > 0);
    }

    [Theory]
    [InlineData("500Mbps", 0.5)]
    [InlineData("1Gbps", 1.0)]
    [InlineData("2Gbps", 2.0)]
    public void Udp_below_what_a_core_can_send_is_delivered_at_the_offered_rate(string rate, double gbps)
    {
        var r = Run(Pair, $"traffic[0].rate={rate}");
        Assert.InRange(Gbps(r), gbps * 0.99, gbps * 1.01);
        Assert.Equal(0, r.Groups[0].Drops);
    }

    [Fact]
    public void Udp_above_what_a_core_can_send_saturates_the_sending_core_and_stays_bounded()
    {
        var at9 = Run(Pair, "traffic[0].rate=9Gbps");
        var at100 = Run(Pair, "traffic[0].rate=100Gbps");
        Assert.InRange(Gbps(at100) / Gbps(at9), 0.98, 1.02); // the core, not the offer, sets the rate
        Assert.True(Gbps(at9) < 9, $"{Gbps(at9)} Gbit/s: one core cannot send 9 Gbit/s of 1472-byte datagrams through a pod path");
        var sender = at100.Nodes.Single(n => n.Node == "node1");
        double busiest = sender.BusyPsPerCore.Max() / (double)(at100.MeasuredToPs - at100.MeasuredFromPs);
        Assert.InRange(busiest, 0.97, 1.0);
    }

    [Fact]
    public void A_host_socket_send_buffer_paces_udp_to_a_slower_nic_without_drops()
    {
        string[] sets = ["cni.datapath=host", "kube_proxy.mode=none", "cluster.nic.rate=1Gbps", "traffic[0].rate=5Gbps"];
        double wire = 1.0 * 1472 / (1500 + 38); // payload per frame on the wire
        // Exact costs keep the adaptive interrupt moderation, whose batches, like drawn receive costs, move a few
        // datagrams across the window's edges (those in the receiver when it opens count, those in it when it closes do
        // not): the goodput is the wire's within that, and nothing is dropped.
        var exact = Run(RunOptions.Default with { ExactCosts = true }, Pair, sets);
        Assert.InRange(Gbps(exact), wire * 0.99, wire * 1.01);
        Assert.Empty(exact.Drops);
        var drawn = Run(Pair, sets);
        Assert.InRange(Gbps(drawn), wire * 0.99, wire * 1.01);
        Assert.Empty(drawn.Drops);
    }

    [Fact]
    public void A_pod_sender_past_its_nic_loses_datagrams_at_the_nic_queue_with_the_reason()
    {
        // A pod's datagrams are orphaned when the host's IP layer receives them (ip_rcv's skb_orphan), so the pod's
        // send buffer does not pace it to the NIC: the host's transmit queue overflows.
        var r = Run(Pair, "cluster.nic.rate=1Gbps", "traffic[0].rate=2Gbps");
        Assert.InRange(Gbps(r), 0.9, 0.96);
        Assert.Contains(r.Drops, d => d.Reason == NetSim.Engine.Packets.DropReason.QueueFull && d.Packets > 0);
    }

    [Fact]
    public void A_bulk_group_with_a_duration_counts_only_what_arrived_within_it()
    {
        string yaml = Pair.Replace("- { name: udp, kind: bulk, protocol: udp, rate: 1Gbps, from: pod:client, to: pod:server }",
            "- { name: stream, kind: bulk, from: pod:client, to: pod:server, duration: 25ms }", StringComparison.Ordinal);
        var r = Run(yaml, "cluster.nic.rate=25Gbps", "cluster.nic.mtu=9000", "cluster.nodes.cores=32", "duration=60ms");
        // Full 9000-byte frames carry 8948 payload bytes in 9038 bytes of wire time; a few bytes more were already
        // in the receiver when the window opened (the invariant's own allowance), hence the 0.2 %.
        Assert.True(Gbps(r) <= 25.0 * (9000 - 52) / (9000 + 38) * 1.002, $"{Gbps(r)} Gbit/s on 25 GbE");
        Assert.True(Gbps(r) > 20, $"{Gbps(r)} Gbit/s: the stream should fill most of the wire");
    }

    [Fact]
    public void Cpu_bound_streams_scale_with_cores()
    {
        string yaml = Pair.Replace("- { name: udp, kind: bulk, protocol: udp, rate: 1Gbps, from: pod:client, to: pod:server }",
            "- { name: s, kind: bulk, from: pod:client, to: pod:server }", StringComparison.Ordinal);
        string[] slow = ["cluster.cpu_scale=4", "cluster.nic.rate=100Gbps", "duration=30ms"];
        double one = Gbps(Run(yaml, [.. slow, "traffic[0].streams=1"]));
        double eight = Gbps(Run(yaml, [.. slow, "traffic[0].streams=8"]));
        Assert.True(eight > 2.5 * one, $"8 streams {eight} Gbit/s vs 1 stream {one}");
    }

    [Fact]
    public void The_wire_bound_is_the_closed_form_plus_what_had_crossed_already()
    {
        // 10 Gbit/s for 1 ms at MTU 1500: 1,250,000 B of wire time, 1472/1538 of it payload.
        double bytes = RunInvariants.WireAllowsBytes(10_000_000_000, 1500, 0.001, bufferedBytes: 0, flows: 0);
        Assert.Equal(1_250_000.0 * 1472 / 1538 + 2 * 64 * 1538, bytes, 6);
        Assert.Equal(bytes + 5000 + 64 * 1538, RunInvariants.WireAllowsBytes(10_000_000_000, 1500, 0.001, 5000, 1), 6);
    }

    public static TheoryData<int> Seeds => new(Enumerable.Range(1, 16));

    /// <summary>Random small clusters, datapaths, NICs and traffic mixes: every run keeps every invariant.</summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public void Random_scenarios_keep_every_invariant(int seed)
    {
        var rng = new Random(seed * 7919);
        string datapath = DatapathNames.All.OrderBy(d => d, StringComparer.Ordinal).ElementAt(rng.Next(DatapathNames.All.Count));
        int cores = new[] { 1, 2, 4, 8 }[rng.Next(4)];
        string rate = new[] { "1Gbps", "10Gbps", "25Gbps", "100Gbps" }[rng.Next(4)];
        int mtu = rng.Next(2) == 0 ? 1500 : 9000;
        string Kind() => new[]
        {
            "{ kind: bulk, streams: " + (1 + rng.Next(4)) + " }",
            "{ kind: bulk, protocol: udp, rate: " + new[] { "100Mbps", "3Gbps", "50Gbps" }[rng.Next(3)] + " }",
            "{ kind: rr, in_flight: " + (1 + rng.Next(3)) + " }",
            "{ kind: crr }",
        }[rng.Next(4)];
        string traffic = string.Join("\n", Enumerable.Range(0, 1 + rng.Next(3)).Select(i =>
        {
            string k = Kind();
            return $"  - {k[..^2]}, name: t{i}, from: pod:{(rng.Next(2) == 0 ? "a" : "b")}, to: pod:{(rng.Next(2) == 0 ? "c" : "d")}, start: {rng.Next(3)}ms }}";
        }));
        string yaml = $"""
            name: random-{seed}
            seed: {seed}
            duration: 12ms
            warmup: 3ms
            cluster:
              cpu_scale: {1 + rng.Next(3)}
              nodes: {"{"} count: 3, cores: {cores} {"}"}
              nic: {"{"} rate: {rate}, mtu: {mtu} {"}"}
            cni: {"{"} datapath: {datapath} {"}"}
            workloads:
              - {"{"} name: a, placement: pinned, nodes: [node1] {"}"}
              - {"{"} name: b, placement: pinned, nodes: [node2] {"}"}
              - {"{"} name: c, placement: pinned, nodes: [node2] {"}"}
              - {"{"} name: d, placement: pinned, nodes: [node3] {"}"}
            traffic:
            {traffic}
            """;
        Run(yaml);
    }
}
