using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;
using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Tests.Build;
using NetSim.Traffic.Metrics;
using Xunit;

namespace NetSim.Topologies.Tests.Dns;

/// <summary>
/// rr and crr to dns:HEADLESS:PORT: the client resolves the headless Service's name through kube-dns (one A record
/// per ready pod), connects to the first address of the answer straight away (no ClusterIP, no DNAT) and the pod
/// serves the port itself. CoreDNS's loadbalance plugin (kubeadm's Corefile) shuffles the records of every reply, so
/// with three pods crr's connections, each after its own lookup, reach all three.
/// </summary>
public class HeadlessServiceTests
{
    private static string Yaml(string kind, int pods, string ports = "[{ port: 8080 }]", string to = "dns:web-headless:8080") => $$"""
        name: headless
        seed: 5
        duration: 60ms
        cluster: { nodes: { count: 2 }, conntrack_clash: insert }
        cni: { datapath: flannel-vxlan }
        dns: { replicas: 2 }
        workloads:
          - { name: client, placement: pinned, nodes: [node1] }
          - { name: web, replicas: {{pods}}, placement: pinned, nodes: [node2], ports: [{ name: http, port: 8080 }] }
        services:
          - { name: web-headless, type: Headless, selector: { app: web }, ports: {{ports}} }
        traffic:
          - { name: g, kind: {{kind}}, from: pod:client, to: "{{to}}" }
        """;

    private sealed record Outcome(long Transactions, long Connections, List<(Ipv4Address To, ushort Port)> Syns, List<Ipv4Address> RepliesFrom,
        List<Ipv4Address> Pods, Ipv4Address Client, Dictionary<Ipv4Address, List<Ipv4Address>> PodSaw);

    /// <summary>The cluster's Services programmed and its traffic wiring (cluster DNS from them), nothing started.</summary>
    private static TrafficWiring Programmed(BuiltCluster cluster)
    {
        var services = new ServiceWiring(cluster);
        services.Program();
        return new TrafficWiring(cluster, new FlowTable(() => new MeasuredRecorder(cluster.Context.Sim, 0))) { ResolveService = services.Resolve, Services = services };
    }

    private static Outcome Run(string kind, int pods, string ports = "[{ port: 8080 }]", string to = "dns:web-headless:8080")
    {
        var s = ScenarioLoader.Parse(Yaml(kind, pods, ports, to), "headless.yaml");
        var cluster = ClusterBuilder.Build(s, ClusterSimulationTests.Profile());
        var client = cluster.Pods.First(p => p.Placed.Workload == "client");
        var tap = new ClientTap(client.Address);
        client.Eth0!.Tap = tap;
        var web = cluster.Pods.Where(p => p.Placed.Workload == "web").ToList();
        var saw = new Dictionary<Ipv4Address, List<Ipv4Address>>();
        foreach (var pod in web)
        {
            var podTap = new TcpSourceTap(pod.Address);
            pod.Eth0!.Tap = podTap;
            saw[pod.Address] = podTap.Sources;
        }
        var wiring = Programmed(cluster);
        wiring.WireAll();
        cluster.Context.Sim.RunUntil(s.Duration);
        var m = wiring.Apps.Single().Metrics;
        return new Outcome(m.Transactions, m.ConnectionsOpened, tap.Syns, tap.RepliesFrom, web.Select(p => p.Address).ToList(), client.Address, saw);
    }

    [Theory]
    [InlineData("rr", 1)]
    [InlineData("crr", 1)]
    [InlineData("rr", 3)]
    [InlineData("crr", 3)]
    public void The_client_connects_to_an_A_record_of_the_headless_Service_with_no_translation(string kind, int pods)
    {
        var run = Run(kind, pods);
        Assert.Equal(pods, run.Pods.Count);
        Assert.True(run.Transactions > 20, $"{run.Transactions} transactions");
        if (kind == "rr") Assert.Equal(1, run.Connections);
        else Assert.InRange(run.Syns.Count, run.Transactions, run.Transactions + 1); // a connection per transaction (the last may be open at the end)
        Assert.All(run.Syns, s => Assert.Contains(s.To, run.Pods));
        Assert.All(run.Syns, s => Assert.Equal(8080, s.Port));
        // No DNAT on the way out and none undone on the way back: the replies come from the pod addresses themselves,
        // and each pod sees the client's own address (no SNAT either).
        Assert.NotEmpty(run.RepliesFrom);
        Assert.All(run.RepliesFrom, a => Assert.Contains(a, run.Pods));
        Assert.All(run.PodSaw.Values.SelectMany(v => v), a => Assert.Equal(run.Client, a));
    }

    [Fact]
    public void One_connection_carries_every_rr_transaction_to_the_first_answer()
    {
        var run = Run("rr", 3);
        Assert.Equal(1, run.Connections);
        Assert.Single(run.Syns.Select(s => s.To).Distinct());
    }

    [Theory]
    [InlineData("[{ port: 80, target_port: http }]")]
    [InlineData("[{ port: 80, target_port: 8080 }]")]
    public void Without_a_port_the_client_connects_to_the_pods_target_port_not_the_Services_port(string ports)
    {
        // Nothing maps port 80 to 8080 for a headless Service: its pods are reached on their endpoint port.
        var run = Run("crr", 1, ports, "dns:web-headless");
        Assert.True(run.Transactions > 20, $"{run.Transactions} transactions");
        Assert.All(run.Syns, s => Assert.Equal((run.Pods[0], (ushort)8080), s));
    }

    [Fact]
    public void CoreDNS_loadbalance_spreads_crr_connections_over_every_ready_pod()
    {
        // Each connection follows its own lookup, and round_robin draws the first record uniformly per reply:
        // every pod gets about a third (each at least a fifth here; binomial, n > 100, p = 1/3).
        var run = Run("crr", 3);
        Assert.True(run.Syns.Count > 100, $"{run.Syns.Count} connections");
        foreach (var pod in run.Pods)
        {
            int n = run.Syns.Count(s => s.To == pod);
            Assert.True(n > run.Syns.Count / 5, $"{pod}: {n} of {run.Syns.Count}");
        }
    }

    [Fact]
    public void Loadbalance_orders_an_answer_with_each_record_first_and_leaves_one_record_alone()
    {
        var s = ScenarioLoader.Parse(Yaml("crr", 3), "headless.yaml");
        var cluster = ClusterBuilder.Build(s, ClusterSimulationTests.Profile());
        var wiring = Programmed(cluster);
        var zone = wiring.ClusterDns!.Zone;
        var (_, answer) = zone.Answer(zone.Names.Id("web-headless.default.svc.cluster.local"), aaaa: false);
        var original = zone.Answers.Get(answer)!.Addresses;
        var rng = new Random(1);
        var firsts = new HashSet<Ipv4Address>();
        for (int i = 0; i < 200; i++)
        {
            var shuffled = zone.Answers.Get(zone.RoundRobin(answer, rng))!.Addresses;
            Assert.Equal(original.OrderBy(a => a.Value), shuffled.OrderBy(a => a.Value)); // the same records, reordered
            firsts.Add(shuffled[0]);
        }
        Assert.Equal(original.ToHashSet(), firsts);
        var (_, dns) = zone.Answer(zone.Names.Id("kube-dns.kube-system.svc.cluster.local"), aaaa: false);
        Assert.Equal(dns, zone.RoundRobin(dns, rng)); // a ClusterIP's single record: nothing to shuffle
    }

    /// <summary>On the client's eth0: where each SYN it sends goes, and who sends it TCP.</summary>
    private sealed class ClientTap(Ipv4Address self) : IPacketTap
    {
        public List<(Ipv4Address To, ushort Port)> Syns { get; } = new();
        public List<Ipv4Address> RepliesFrom { get; } = new();

        public void Capture(Packet packet, long timePs)
        {
            if (!packet.Has(HeaderKind.Ipv4) || !packet.Has(HeaderKind.Tcp)) return;
            if (packet.Ipv4.Source == self && packet.Tcp.Flags == TcpFlags.Syn) Syns.Add((packet.Ipv4.Destination, packet.Tcp.DestinationPort));
            else if (packet.Ipv4.Destination == self) RepliesFrom.Add(packet.Ipv4.Source);
        }
    }
}
