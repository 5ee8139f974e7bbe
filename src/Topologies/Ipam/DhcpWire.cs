using NetSim.Datapaths.Devices;
using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;

namespace NetSim.Topologies.Ipam;

/// <summary>
/// The DHCP messages on the cluster's wire: a packet carries only sizes, so each message's content is kept here and
/// the packet carries its number (the datagram's content tag). Also sends a client's frame the way nclient4 does
/// (dhcpv4/nclient4 conn_unix.go): from a packet socket on the interface, UDP 68 to 67 from 0.0.0.0, always to the
/// Ethernet broadcast address, whatever the IP destination, bypassing the IP stack (the interface has no address yet).
/// </summary>
public sealed class DhcpWire
{
    private readonly List<DhcpMessage> _messages = new();

    /// <summary>Every message sent, in order (for tests and the timeline).</summary>
    public IReadOnlyList<DhcpMessage> Messages => _messages;

    /// <summary>The frames the clients and the server put on the wire, with their send time and whether they went to the Ethernet broadcast address.</summary>
    public List<(long AtPs, DhcpMessage Message, bool L2Broadcast, Ipv4Address IpDestination)> Sent { get; } = new();

    /// <summary>The content tag a packet carries for <paramref name="m"/> (1-based: 0 is "no content").</summary>
    public long Tag(DhcpMessage m)
    {
        _messages.Add(m);
        return _messages.Count;
    }

    /// <summary>The message a packet's tag names, or null for a datagram that is not one of ours.</summary>
    public DhcpMessage? Read(long tag) => tag > 0 && tag <= _messages.Count ? _messages[(int)(tag - 1)] : null;

    /// <summary>nclient4's send: an Ethernet broadcast frame out of <paramref name="dev"/> (dev_queue_xmit from a packet socket).</summary>
    public void SendFromClient(NetDevice dev, DhcpMessage m, Ipv4Address destination)
    {
        var node = dev.Node;
        long tag = Tag(m);
        Packet p = node.Pool.Rent();
        ref UdpHeader udp = ref p.PushUdp();
        udp.SourcePort = DhcpMessage.ClientPort;
        udp.DestinationPort = DhcpMessage.ServerPort;
        p.PayloadLength = m.Bytes;
        p.AppTag = tag;
        p.CreatedAt = node.Sim.NowPicoseconds;
        ref Ipv4Header ip = ref p.PushIpv4();
        ip.Source = Ipv4Address.Any;
        ip.Destination = destination;
        ip.Protocol = Ipv4Header.ProtocolUdp;
        ip.Ttl = 64; // the IPv4 default TTL nclient4's udp4pkt writes
        ref EthernetHeader eth = ref p.PushEthernet();
        eth.Source = dev.Mac;
        eth.Destination = MacAddress.Broadcast;
        eth.EtherType = EthernetHeader.EtherTypeIpv4;
        Sent.Add((node.Sim.NowPicoseconds, m, true, destination));
        dev.Transmit(p);
    }

    /// <summary>The DHCP message in a frame seen on an interface, if it is one for a client (UDP to port 68).</summary>
    public DhcpMessage? ForClient(Packet p)
    {
        int u = p.IndexOfInner(HeaderKind.Udp);
        if (u < 0 || p.Layer(u).Udp.DestinationPort != DhcpMessage.ClientPort) return null;
        return Read(p.AppTag);
    }
}
