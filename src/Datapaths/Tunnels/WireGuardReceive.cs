using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Tunnels;

/// <summary>
/// wg_receive on the device's UDP socket (encap_rcv), on the CPU that received the datagram: matches the data
/// message to its peer (here by the outer source; Linux looks up the receiver index) and queues it
/// (<c>wireguard.receive</c>) on the peer's receive queue, in arrival order, and on the device's decrypt ring, waking
/// the next CPU's decrypt worker (wg_packet_consume_data). A full peer queue drops the packet; a full ring queues it
/// as dead, dropped in order by the peer's NAPI. Messages from no known peer are dropped.
/// </summary>
internal sealed class WireGuardReceive : NamespaceElement
{
    private readonly WireGuardDevice _device;

    public WireGuardReceive(WireGuardDevice device) : base(device.UnderlayNamespace, device.Name + "/wg_receive") => _device = device;

    public override void Receive(Packet p)
    {
        long ps = Costs.WireGuardReceive.For(p.Length);
        int ip = p.LayerCount - 1;
        if (!_device.IsUp || ip < 3 || p.Layer(ip - 2).Kind != HeaderKind.WireGuard || p.Layer(ip - 3).Kind != HeaderKind.Ipv4)
        {
            ChargeAndDrop(p, ps, DropReason.NotForThisHost);
            return;
        }
        Ipv4Address from = p.Layer(ip).Ipv4.Source;
        WireGuardPeer? peer = _device.PeerAt(from);
        if (peer is null)
        {
            ChargeAndDrop(p, ps, DropReason.NotForThisHost); // no keypair for its receiver index
            return;
        }
        ushort fromPort = p.Layer(ip - 1).Udp.SourcePort;
        EcnCodepoint outerEcn = p.Layer(ip).Ipv4.Ecn;
        p.Pop(HeaderKind.Ipv4);
        p.Pop(HeaderKind.Udp);
        long queued = Charge(p, ps, p.Trace is null ? null : $"wg_packet_consume_data ← {from}");
        _device.QueueReceived(p, peer, from, fromPort, outerEcn, queued, this);
    }
}
