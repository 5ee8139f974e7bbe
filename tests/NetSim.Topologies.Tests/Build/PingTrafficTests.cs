using NetSim.Engine.Costs;
using NetSim.Engine.Diagnostics;
using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Simulation;

namespace NetSim.Topologies.Tests.Build;

public class PingTrafficTests
{
    private static EndpointRef Pod(string name) => new(EndpointKind.Pod, name, 0, null, null);

    [Theory]
    [InlineData("bridge")]
    [InlineData("flannel-vxlan")]
    [InlineData("calico-bgp")]
    [InlineData("cilium-ebpf")]
    public void A_ping_between_two_pods_on_one_node_takes_exactly_its_traced_hops_plus_the_two_system_calls(string datapath)
    {
        var s = ScenarioLoader.Parse("""
            cluster: { nodes: { count: 2 } }
            workloads:
              - { name: a, placement: pinned, nodes: [node1] }
              - { name: b, placement: pinned, nodes: [node1] }
            """, "ping.yaml", [$"cni.datapath={datapath}"]);
        var profile = ClusterSimulationTests.Profile().WithExactCosts(); // every hop its profile cost, to add them up exactly
        var t = new ClusterSimulation().Trace(s, profile, null, new TraceRequest(Pod("a"), Pod("b"), 0, "icmp"));
        Assert.Equal(2, t.Packets.Count);
        var (request, reply) = (t.Packets[0], t.Packets[1]);
        Assert.Equal(84, request.WireBytes); // iputils' 56 data bytes + ICMP 8 + IP 20
        Assert.Equal(84, reply.WireBytes);

        // sendto() and recvmsg() each cost one system call and a copy of the 56 bytes on the client's core; the
        // first runs before the request's first hop (so it is that hop's queueing), the second after ping_rcv.
        long syscall = profile[CostKeys.SocketSyscall].For(0) + profile[CostKeys.SocketCopy].For(56);
        Assert.Equal(syscall, request.Hops[0].QueuePs);
        Assert.Equal(profile[CostKeys.IcmpSend].For(84), request.Hops[0].CpuPs);
        Assert.Equal(profile[CostKeys.IcmpSend].For(84), reply.Hops[0].CpuPs); // the kernel's echo reply
        Assert.Equal(profile[CostKeys.UdpReceive].For(84), reply.Hops[^1].CpuPs); // ping_rcv
        Assert.Equal("icmp_rcv → icmp_echo", request.Hops[^1].Action);
        Assert.All(t.Packets.SelectMany(p => p.Hops), h => Assert.Equal(0, h.WirePs)); // one node: no wire

        long hops = t.Packets.SelectMany(p => p.Hops).Sum(h => h.CpuPs + h.QueuePs + h.WirePs);
        Assert.Equal(hops + syscall, t.RoundTripPs);
        // Every hop follows the previous one at once (an idle node): the walk is gapless.
        Assert.Equal(request.Hops[^1].At + reply.Hops.Sum(h => h.CpuPs + h.QueuePs) + syscall, t.RoundTripPs);
    }

    [Fact]
    public void Ping_reaches_pods_and_nodes_and_is_lost_toward_a_ClusterIP_as_on_Linux()
    {
        var s = ScenarioLoader.Load(BundledScenarioTests.Scenario("ping.yaml"), ["duration=20ms"]);
        var r = new ClusterSimulation().Run(s, ClusterSimulationTests.Profile(), null, RunOptions.Default);
        Assert.True(r.Conservation.Holds, r.Conservation.ToString());
        foreach (var name in new[] { "same-node", "cross-node", "pod-to-node", "node-to-pod" })
        {
            var g = r.Groups.Single(x => x.Name == name).Application;
            Assert.Equal(20, g.PacketsSent);
            Assert.Equal(20, g.Transactions);
            Assert.Equal(0, g.Lost);
            Assert.True(g.TransactionLatency.P50Ps > 0, name);
        }
        var same = r.Groups.Single(x => x.Name == "same-node").Application.TransactionLatency;
        var cross = r.Groups.Single(x => x.Name == "cross-node").Application.TransactionLatency;
        Assert.True(cross.P50Ps > same.P50Ps, $"VXLAN across nodes {cross.P50Ps} ps > same node {same.P50Ps} ps");

        // kube-proxy iptables DNATs only TCP, UDP and SCTP: the echo to the ClusterIP is routed off the node and lost.
        var clusterIp = r.Groups.Single(x => x.Name == "to-clusterip").Application;
        Assert.Equal(0, clusterIp.Transactions);
        Assert.Equal(10, clusterIp.Lost); // timeout 10 ms: the echoes of the first 10 ms
        Assert.Contains(r.Notes, n => n.StartsWith("ping same-node: 20 packets transmitted, 20 received, 0 lost (0% packet loss)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{ kind: ping, from: pod:a, to: pod:a, protocol: tcp }", "protocol")]
    [InlineData("{ kind: rr, from: pod:a, to: pod:a, protocol: icmp }", "protocol")]
    [InlineData("{ kind: ping, from: pod:a, to: nodeport:web }", "to")]
    [InlineData("{ kind: ping, from: pod:a, to: pod:a, interval: 0s }", "interval")]
    [InlineData("{ kind: ping, from: pod:a, to: pod:a, payload_size: 70000 }", "payload_size")]
    public void Bad_ping_fields_name_their_field(string item, string field)
    {
        string yaml = $$"""
            cluster: { nodes: { count: 1 } }
            workloads: [{ name: a, ports: [{ name: http, port: 80 }] }]
            services: [{ name: web, type: NodePort, selector: { app: a }, ports: [{ port: 80 }] }]
            traffic: [{{item}}]
            """;
        var e = Assert.Throws<InputException>(() => ScenarioLoader.Parse(yaml, "bad.yaml"));
        Assert.EndsWith(field, e.Field, StringComparison.Ordinal);
    }

    [Fact]
    public void Ping_fields_survive_the_resolved_scenario()
    {
        var s = ScenarioLoader.Parse("""
            cluster: { nodes: { count: 1 } }
            workloads: [{ name: a }]
            traffic: [{ kind: ping, from: pod:a, to: node:node1, interval: 250us, payload_size: 1000, timeout: 3ms, count: 7 }]
            """, "p.yaml");
        var again = ScenarioLoader.Parse(ScenarioWriter.Write(s), "again.yaml").Traffic.Single();
        Assert.Equal(Engine.Core.SimTime.FromMicroseconds(250), again.Interval);
        Assert.Equal(1000, again.PayloadSize);
        Assert.Equal(Engine.Core.SimTime.FromMilliseconds(3), again.Timeout);
        Assert.Equal(7, again.Count);
        Assert.Equal("icmp", again.Protocol);
    }
}
