using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Costs;
using NetSim.Engine.Nics;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Tunnels;

/// <summary>
/// How a frame for another node reaches the weaver in sleeve mode, in softirq on the core that received it: with
/// pcap, tpacket_rcv copies it into the AF_PACKET ring of vethwe-pcap (<c>af_packet.rcv</c>); behind an Open vSwitch
/// datapath, the flow miss's ovs_dp_upcall copies it into a netlink message (<c>ovs.upcall</c>). A GSO packet is cut
/// into wire-sized frames first (queue_gso_packets' skb_gso_segment, <c>gso.segment</c> each; with pcap Weave turns
/// the pods' transmit offloads off, so their stacks never build one, which NetSim's TCP cannot express). The frames
/// queue for the router's capture thread; a full buffer drops them (<see cref="DropReason.QueueFull"/>).
/// </summary>
internal sealed class WeaveCapture : NamespaceElement
{
    private readonly WeaveSleeveRouter _router;
    private Packet[] _segments = new Packet[64];

    public WeaveCapture(WeaveSleeveRouter router, string name, bool upcall) : base(router.Namespace, name)
    {
        _router = router;
        Upcall = upcall;
    }

    public bool Upcall { get; }

    public override void Receive(Packet packet) => Enter(packet, 0);

    /// <summary>A frame with <paramref name="ps"/> of its receive path's work still to charge.</summary>
    public void Enter(Packet p, long ps)
    {
        Cost copy = Upcall ? Costs.OvsUpcall : Costs.AfPacketRcv;
        if (p.SegmentCount <= 1)
        {
            p.GsoSize = 0;
            Queue(p, ps + copy.For(p.Length));
            return;
        }
        int n = GsoSegmenter.Segment(p, ref _segments);
        for (int i = 0; i < n; i++)
        {
            Packet s = _segments[i];
            _segments[i] = null!;
            Queue(s, (i == 0 ? ps : 0) + Costs.GsoSegment.For(s.Length) + copy.For(s.Length));
        }
    }

    private void Queue(Packet p, long ps)
    {
        long done = Charge(p, ps, p.Trace is null ? null : Upcall ? "flow miss: ovs_dp_upcall → weaver" : "tpacket_rcv → weaver (pcap)");
        if (!_router.Captured(p, done)) Drop(p, DropReason.QueueFull);
    }
}
