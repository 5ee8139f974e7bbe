using NetSim.Datapaths.Netfilter;
using NetSim.Datapaths.Tests.Fixtures;
using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Engine.Packets;
using static NetSim.Datapaths.Tests.Fixtures.TestCosts;

namespace NetSim.Datapaths.Tests;

public class BridgeTests
{
    private static Ipv4Address A(string s) => Ipv4Address.Parse(s);

    /// <summary>Three pods on cni0; pod0's ARP cache knows pod1 (so the frame goes out) but the bridge has not learned pod1 yet.</summary>
    private static (TestBed, BridgeNode, Sink[]) ThreePods(bool hairpin = false)
    {
        var bed = new TestBed();
        BridgeNode n = Topologies.Bridged(bed, bed.Node("n"), 3, hairpin: hairpin);
        var sinks = new Sink[3];
        for (int i = 0; i < 3; i++) sinks[i] = bed.Sink(n.Pods[i], Ipv4Header.ProtocolUdp);
        return (bed, n, sinks);
    }

    [Fact]
    public void Unknown_unicast_is_flooded_to_every_port_but_the_ingress_and_the_source_is_learned()
    {
        var (bed, n, sinks) = ThreePods();
        n.Pods[0].Neighbours.Add(n.Links[0].A, A(n.PodIp(1)), n.Links[1].A.Mac);
        bed.SendAt(0, n.Pods[0], bed.Udp("0.0.0.0", n.PodIp(1), 1, 2));
        bed.RunUntil(SimTime.FromMilliseconds(1).Picoseconds); // not Run(): that would also run the FDB ageing at 300 s

        Assert.Single(sinks[1].Arrivals);
        Assert.Empty(sinks[2].Arrivals);
        Assert.Equal(1, n.Links[2].A.Counters.RxPackets); // pod2 got the flooded copy ...
        Assert.Equal(1, bed.Pool.Dropped(DropReason.NotForThisHost)); // ... and discarded it (not its MAC)
        Assert.Equal(0, n.Links[0].A.Counters.RxPackets); // never back out of the ingress port
        Assert.Equal(1, n.Bridge.Flooded);
        Assert.Same(n.Bridge.Ports[0], n.Bridge.Fdb.PortOf(n.Links[0].A.Mac));
        Assert.Null(n.Bridge.Fdb.PortOf(n.Links[1].A.Mac));

        // pod1's copy: pod out + veth + host-veth rx + bridge (forward, learn, lookup) + veth + pod rx. The node has one
        // core and the core is FIFO per stage, so pod2's copy (veth_xmit, netif_receive, ip_rcv that drops it) is
        // served in between and delays pod1's copy by exactly its own work.
        long path = Ns(RouteLookup + IpOutput + NeighOutput + VethXmit + NetifReceive + BridgeForward + 2 * BridgeFdbLookup
                       + VethXmit + NetifReceive + IpReceive + RouteLookup);
        long otherCopy = Ns(VethXmit + NetifReceive + IpReceive);
        Assert.Equal(path + otherCopy, sinks[1].Arrivals[0].At);
        bed.AssertConservation();
    }

    [Fact]
    public void ARP_through_the_bridge_teaches_it_both_MACs_so_nothing_is_flooded()
    {
        var (bed, n, sinks) = ThreePods();
        bed.SendAt(0, n.Pods[1], bed.Udp("0.0.0.0", n.PodIp(0), 1, 2)); // pod1 ARPs for pod0: request and reply cross the bridge
        bed.SendAt(SimTime.FromMicroseconds(100).Picoseconds, n.Pods[0], bed.Udp("0.0.0.0", n.PodIp(1), 1, 2));
        bed.RunUntil(SimTime.FromMilliseconds(1).Picoseconds);
        Assert.Single(sinks[0].Arrivals);
        Assert.Single(sinks[1].Arrivals);
        Assert.Same(n.Bridge.Ports[0], n.Bridge.Fdb.PortOf(n.Links[0].A.Mac));
        Assert.Same(n.Bridge.Ports[1], n.Bridge.Fdb.PortOf(n.Links[1].A.Mac));
        Assert.Equal(0, n.Links[2].A.Counters.RxPackets);
        Assert.Equal(0, n.Bridge.Flooded);
        bed.AssertConservation();
    }

    [Fact]
    public void FDB_entries_age_out_after_300_seconds_lazily_and_by_the_cleanup_timer()
    {
        var (bed, n, sinks) = ThreePods();
        // Warm ARP caches, cold FDB: only data frames teach the bridge.
        n.Pods[0].Neighbours.Add(n.Links[0].A, A(n.PodIp(1)), n.Links[1].A.Mac);
        n.Pods[1].Neighbours.Add(n.Links[1].A, A(n.PodIp(0)), n.Links[0].A.Mac);
        bed.SendAt(0, n.Pods[1], bed.Udp("0.0.0.0", n.PodIp(0), 1, 2));
        bed.RunUntil(SimTime.FromSeconds(299).Picoseconds);
        Assert.NotNull(n.Bridge.Fdb.PortOf(n.Links[1].A.Mac));
        int withEntries = n.Bridge.Fdb.Count;

        bed.RunUntil(SimTime.FromSeconds(301).Picoseconds); // br_fdb_cleanup fired at 300 s
        Assert.Equal(withEntries - 1, n.Bridge.Fdb.Count); // pod1's entry; the bridge's and ports' own MACs never age
        Assert.Null(n.Bridge.Fdb.PortOf(n.Links[1].A.Mac));
        Assert.True(n.Bridge.Fdb.Aged >= 1);

        bed.SendAt(SimTime.FromSeconds(302).Picoseconds, n.Pods[0], bed.Udp("0.0.0.0", n.PodIp(1), 1, 2));
        bed.Run();
        Assert.Equal(2, n.Bridge.Flooded); // pod1 unknown again
        Assert.Single(sinks[1].Arrivals);
        bed.AssertConservation();
    }

    [Fact]
    public void Hairpin_mode_decides_whether_a_frame_may_leave_by_the_port_it_came_in()
    {
        foreach (bool hairpin in new[] { false, true })
        {
            var (bed, n, sinks) = ThreePods(hairpin);
            // pod0 is learned on port 0; then a frame for pod0's MAC arrives on port 0 (a reflected frame).
            bed.SendAt(0, n.Pods[0], bed.Udp("0.0.0.0", n.PodIp(1), 1, 2));
            bed.RunUntil(SimTime.FromMilliseconds(1).Picoseconds);
            Packet reflected = bed.Udp(n.PodIp(1), n.PodIp(0), 3, 4);
            ref EthernetHeader eth = ref reflected.PushEthernet();
            eth.Source = MacAddress.LocallyAdministered(0xBEEF);
            eth.Destination = n.Links[0].A.Mac;
            eth.EtherType = EthernetHeader.EtherTypeIpv4;
            bed.InjectAt(bed.Sim.NowPicoseconds, n.Links[0].B.RxEntry, reflected);
            bed.RunUntil(SimTime.FromMilliseconds(2).Picoseconds);
            Assert.Equal(hairpin ? 1 : 0, sinks[0].Arrivals.Count);
            Assert.Equal(hairpin ? 0 : 1, n.Bridge.HairpinDrops);
            bed.AssertConservation();
        }
    }

    [Fact]
    public void Broadcast_is_flooded_and_also_passed_up_to_the_bridge()
    {
        var (bed, n, _) = ThreePods();
        Sink host = bed.Sink(n.Host, Ipv4Header.ProtocolUdp);
        Packet bcast = bed.Udp("10.244.1.2", "255.255.255.255", 1, 2);
        ref EthernetHeader eth = ref bcast.PushEthernet();
        eth.Source = n.Links[0].A.Mac;
        eth.Destination = MacAddress.Broadcast;
        eth.EtherType = EthernetHeader.EtherTypeIpv4;
        bed.InjectAt(0, n.Links[0].B.RxEntry, bcast);
        bed.Run();
        Assert.Single(host.Arrivals);
        Assert.Equal(1, n.Links[1].A.Counters.RxPackets);
        Assert.Equal(1, n.Links[2].A.Counters.RxPackets);
        bed.AssertConservation();
    }

    [Fact]
    public void The_host_reaches_a_pod_through_the_bridge_as_its_gateway()
    {
        var (bed, n, sinks) = ThreePods();
        Sink host = bed.Sink(n.Host, Ipv4Header.ProtocolUdp);
        long later = SimTime.FromMilliseconds(1).Picoseconds; // one core: keep the two packets apart
        bed.SendAt(0, n.Host, bed.Udp("0.0.0.0", n.PodIp(2), 1, 2));
        bed.SendAt(later, n.Pods[2], bed.Udp("0.0.0.0", "10.244.1.1", 1, 2));
        bed.Run();
        Arrival toPod = Assert.Single(sinks[2].Arrivals);
        Assert.Equal(A("10.244.1.1"), toPod.Ip.Source);
        Arrival toHost = Assert.Single(host.Arrivals);
        Assert.Equal(A(n.PodIp(2)), toHost.Ip.Source);
        // Pod → host: veth → bridge passes the frame up (cni0's MAC is a local FDB entry) → cni0 rx → ip_rcv.
        long up = Ns(RouteLookup + IpOutput + NeighOutput + VethXmit + NetifReceive + BridgeForward + 2 * BridgeFdbLookup
                     + NetifReceive + IpReceive + RouteLookup);
        Assert.Equal(later + up, toHost.At);
        // Host → pod: route to cni0, neighbour, br_dev_xmit (forward + one FDB lookup), veth, pod rx.
        long down = Ns(RouteLookup + IpOutput + NeighOutput + BridgeForward + BridgeFdbLookup + VethXmit + NetifReceive + IpReceive + RouteLookup);
        Assert.Equal(down, toPod.At);
        bed.AssertConservation();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_pod_reaches_itself_through_its_Service_with_br_netfilter_hairpin_and_kube_proxy_masquerade(bool hairpin)
    {
        var bed = new TestBed();
        BridgeNode n = Topologies.Bridged(bed, bed.Node("n"), 2, hairpin: hairpin);
        n.Bridge.NfCallIptables = true;
        var nat = n.Host.Netfilter.Nat;
        IptChain sep = nat.NewChain("KUBE-SEP-POD0");
        nat.Builtin(NfInetHook.PreRouting).Append(new IptRule
        {
            Destination = Ipv4Prefix.Parse("10.96.0.1/32"), Protocol = Ipv4Header.ProtocolUdp, DestinationPort = new PortRange(80),
            Target = StandardTarget.Jump(sep),
        });
        sep.Append(new IptRule { Source = Ipv4Prefix.Parse("10.244.1.2/32"), Target = MarkTarget.Or(0x4000) }); // hairpin: masquerade
        sep.Append(new IptRule { Protocol = Ipv4Header.ProtocolUdp, Target = new DnatTarget(A("10.244.1.2"), 8080) });
        nat.Builtin(NfInetHook.PostRouting).Append(new IptRule { Matches = [new MarkMatch(0x4000, 0x4000)], Target = new MasqueradeTarget() });
        Sink pod0 = bed.Sink(n.Pods[0], Ipv4Header.ProtocolUdp);
        var echo = Replies.EchoUdp(bed, n.Pods[0]);
        pod0.OnPacket = p =>
        {
            if (p.Udp.DestinationPort == 8080) echo(p); // the server side answers; the client side just records
        };
        bed.SendAt(0, n.Pods[0], bed.Udp("0.0.0.0", "10.96.0.1", 33000, 80));
        bed.RunUntil(SimTime.FromMilliseconds(1).Picoseconds);

        if (!hairpin)
        {
            Assert.Empty(pod0.Arrivals);
            Assert.Equal(1, n.Bridge.HairpinDrops);
            bed.AssertConservation();
            return;
        }
        Assert.Equal(2, pod0.Arrivals.Count);
        Arrival request = pod0.Arrivals[0], reply = pod0.Arrivals[1];
        Assert.Equal((A("10.244.1.1"), A("10.244.1.2"), (ushort)8080), (request.Ip.Source, request.Ip.Destination, request.DestinationPort));
        Assert.Equal((A("10.96.0.1"), (ushort)80, (ushort)33000), (reply.Ip.Source, reply.SourcePort, reply.DestinationPort));
        Assert.Equal(0, n.Host.Netfilter.Counters(NfInetHook.LocalIn).Packets); // both directions stayed bridged
        Assert.Equal(2, n.Links[0].B.Counters.TxPackets); // and went back out of pod0's own port
        Assert.Equal(1, n.Host.Conntrack.Count);
        bed.AssertConservation();
    }
}
