using NetSim.Datapaths.Tests.Fixtures;
using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;
using static NetSim.Datapaths.Tests.Fixtures.TestCosts;

namespace NetSim.Datapaths.Tests;

/// <summary>pod – veth – cni0 – host – eth0 – wire – eth0 – host – cni0 – veth – pod, with every hop's cost hand-summed.</summary>
public class EndToEndTests
{
    private const long WireDelay = 1_000_000; // 1 µs

    /// <summary>pod0 of node 1 to its host, up to handing the frame to the route's device (shared by all overlays).</summary>
    private const long PodToHostRouting =
        RouteLookup + IpOutput + NeighOutput + VethXmit                 // pod: ip_local_out, ip_output, veth_xmit
        + NetifReceive + BridgeForward + 2 * BridgeFdbLookup            // host veth rx, br_handle_frame (learn + lookup: cni0 is local)
        + NetifReceive + IpReceive + RouteLookup + IpForward;           // cni0 rx, ip_rcv, ip_forward

    /// <summary>From node 2's ip_forward decision for the pod to the pod's socket.</summary>
    private const long HostToPod =
        IpForward + IpOutput + NeighOutput                              // ip_forward, ip_output to cni0
        + BridgeForward + BridgeFdbLookup + VethXmit                    // br_dev_xmit, veth_xmit
        + NetifReceive + IpReceive + RouteLookup;                       // pod rx, ip_rcv → local

    [Fact]
    public void Host_gateway_routing_costs_the_sum_of_its_hops_plus_the_wire()
    {
        var bed = new TestBed();
        Cluster c = Topologies.TwoNodes(bed, Overlay.HostGw, WireDelay);
        Sink sink = bed.Sink(c.N2.Pods[0], Ipv4Header.ProtocolUdp);
        bed.SendAt(0, c.N1.Pods[0], bed.Udp("0.0.0.0", "10.244.2.2", 1000, 2000));
        bed.Run();

        Arrival a = Assert.Single(sink.Arrivals);
        long node1 = PodToHostRouting + IpOutput + NeighOutput;          // ip_output to eth0 (the wire double costs no CPU)
        long node2 = NetifReceive + IpReceive + RouteLookup + HostToPod; // eth0 rx, ip_rcv, then into the pod
        Assert.Equal(Ns(node1 + node2) + WireDelay, a.At);
        Assert.Equal(Ipv4Address.Parse("10.244.1.2"), a.Ip.Source);
        Assert.Equal(Ipv4Header.DefaultTtl - 2, a.Ip.Ttl);
        bed.AssertConservation();
    }

    [Fact]
    public void A_frame_leaves_its_host_without_the_senders_conntrack_entry_or_mark_so_the_receiver_tracks_it_anew()
    {
        var bed = new TestBed();
        Cluster c = Topologies.TwoNodes(bed, Overlay.HostGw);
        c.N1.Host.Conntrack.Mode = Conntrack.ConntrackMode.On;
        c.N2.Host.Conntrack.Mode = Conntrack.ConntrackMode.On;
        c.N1.Host.Netfilter.Mangle.Builtin(Netfilter.NfInetHook.PreRouting).Append(new Netfilter.IptRule { Target = Netfilter.MarkTarget.Set(0x4000) });
        var marked = new Netfilter.IptRule { Matches = [new Netfilter.MarkMatch(0x4000)] }; // counts marked packets on node 2
        c.N2.Host.Netfilter.Mangle.Builtin(Netfilter.NfInetHook.PreRouting).Append(marked);
        Sink sink = bed.Sink(c.N2.Pods[0], Ipv4Header.ProtocolUdp);
        bed.SendAt(0, c.N1.Pods[0], bed.Udp("0.0.0.0", "10.244.2.2", 1000, 2000));
        bed.Run();

        Assert.Single(sink.Arrivals);
        Assert.Equal(0, marked.Packets);
        Assert.Equal(1, c.N1.Host.Conntrack.Count);
        Assert.Equal(1, c.N2.Host.Conntrack.Count); // node 2 created (and confirmed) its own entry
        bed.AssertConservation();
    }

    [Fact]
    public void VXLAN_costs_the_encapsulation_the_underlay_pass_and_the_decapsulation()
    {
        var bed = new TestBed();
        Cluster c = Topologies.TwoNodes(bed, Overlay.Vxlan, WireDelay);
        Sink sink = bed.Sink(c.N2.Pods[0], Ipv4Header.ProtocolUdp);
        bed.SendAt(0, c.N1.Pods[0], bed.Udp("0.0.0.0", "10.244.2.2", 1000, 2000, payload: 100));
        bed.Run();

        const int innerIp = 20 + 8 + 100;
        const int innerFrame = innerIp + 14;
        long node1 = PodToHostRouting + IpOutput + NeighOutput            // ip_output to flannel.1 (permanent neighbour)
                     + VxlanEncap                                         // vxlan_xmit (+ per byte below)
                     + RouteLookup + IpOutput + NeighOutput;              // ip_local_out of the outer packet, ip_output to eth0
        long node2 = NetifReceive + IpReceive + RouteLookup               // eth0 rx, ip_rcv of the outer packet → local
                     + VxlanDecap                                         // udp encap_rcv → vxlan_rcv
                     + NetifReceive + IpReceive + RouteLookup + HostToPod;// flannel.1 rx, ip_rcv of the inner packet, into the pod
        long perByte = VxlanEncapPerBytePs * innerFrame;
        Assert.Equal(Ns(node1 + node2) + perByte + WireDelay, Assert.Single(sink.Arrivals).At);
        bed.AssertConservation();
    }
}
