using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Tunnels;

/// <summary>
/// The weaver's UDP socket on port 6783: udp_rcv queues each sleeve datagram on it (<c>udp.receive</c>, in softirq)
/// for the reader thread; a full receive buffer drops it (<see cref="DropReason.ReceiveBufferFull"/>), with the frames
/// batched in it.
/// </summary>
internal sealed class WeaveSleeveSocket : NamespaceElement
{
    private readonly WeaveSleeveRouter _router;

    public WeaveSleeveSocket(WeaveSleeveRouter router) : base(router.Namespace, $"udp:{WeaveSleeveRouter.Port}") => _router = router;

    public override void Receive(Packet packet)
    {
        int ip = packet.LayerCount - 1;
        if (ip < 2 || packet.Layer(ip - 2).Kind != HeaderKind.WeaveSleeve)
        {
            Drop(packet, DropReason.NotForThisHost);
            return;
        }
        long done = Charge(packet, Costs.UdpReceive.For(packet.Length), packet.Trace is null ? null : "udp_queue_rcv_skb → weaver");
        if (_router.Receiver.Enqueue(packet, done)) return;
        _router.DropRiders(packet, DropReason.ReceiveBufferFull);
        Drop(packet, DropReason.ReceiveBufferFull);
    }
}
