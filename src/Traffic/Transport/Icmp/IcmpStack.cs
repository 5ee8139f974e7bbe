using NetSim.Engine.Elements;
using NetSim.Engine.Packets;
using NetSim.Traffic.Metrics;

namespace NetSim.Traffic.Transport.Icmp;

/// <summary>
/// A namespace's ICMP sockets (net/ipv4/ping.c): registered for IP protocol 1, it receives what icmp_rcv does not
/// answer itself. Echo replies go to the ping socket bound to their identifier (ping_rcv, ping_lookup); an ICMP
/// error about an echo goes to that ping socket, and one about TCP or UDP to that stack, as icmp_rcv hands errors
/// to the protocol they are about when no ICMP receiver is registered. Anything else is consumed, as the kernel does.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "Named like TcpStack and UdpStack: the protocol implementation's own name.")]
public sealed class IcmpStack : TransportStack
{
    private readonly Dictionary<ushort, PingSocket> _bound = new();
    private readonly PacketElement? _tcp;
    private readonly PacketElement? _udp;
    private ushort _nextIdentifier = 1;

    /// <param name="tcp">Where ICMP errors about TCP go (the namespace's TCP stack).</param>
    /// <param name="udp">Where ICMP errors about UDP go.</param>
    public IcmpStack(INetworkNamespace ns, FlowTable flows, PacketElement? tcp = null, PacketElement? udp = null)
        : base(ns, flows, "ping", Ipv4Header.ProtocolIcmp)
    {
        _tcp = tcp;
        _udp = udp;
    }

    /// <summary>Echo replies for no open ping socket (stray or duplicate).</summary>
    public long NoSocket { get; private set; }

    /// <summary>socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP) + connect: a ping socket with its own echo identifier (ping_get_port).</summary>
    public PingSocket Open(IPingSocketHandler handler, int core = 0)
    {
        ArgumentNullException.ThrowIfNull(handler);
        for (int i = 0; i < ushort.MaxValue; i++)
        {
            ushort id = _nextIdentifier;
            _nextIdentifier = id == ushort.MaxValue ? (ushort)1 : (ushort)(id + 1);
            if (_bound.ContainsKey(id)) continue;
            var socket = new PingSocket(this, id, handler, core);
            _bound.Add(id, socket);
            return socket;
        }
        throw new InvalidOperationException($"{Namespace.Name}: no free ICMP echo identifier (EADDRNOTAVAIL)");
    }

    /// <summary>ping_rcv for echo replies, the error handlers for errors.</summary>
    public override void Receive(Packet packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        int icmp = packet.IndexOfOuter(HeaderKind.Icmp);
        ref IcmpHeader h = ref packet.Layer(icmp).Icmp;
        if (h.Type == IcmpHeader.EchoReply)
        {
            Deliver(packet, h.Identifier, h.SequenceNumber, isError: false);
            return;
        }
        bool error = h.Type is IcmpHeader.DestinationUnreachable or IcmpHeader.TimeExceeded or 4 or 5 or 12;
        int inner = icmp - 1;
        if (!error || inner < 1 || packet.Layer(inner).Kind != HeaderKind.Ipv4)
        {
            Node.Pool.Deliver(packet); // consumed by the kernel's ICMP handling
            return;
        }
        switch (packet.Layer(inner).Ipv4.Protocol)
        {
            case Ipv4Header.ProtocolIcmp when packet.Layer(inner - 1).Kind == HeaderKind.Icmp:
                ref IcmpHeader about = ref packet.Layer(inner - 1).Icmp;
                Deliver(packet, about.Identifier, about.SequenceNumber, isError: true);
                break;
            case Ipv4Header.ProtocolTcp when _tcp is not null:
                WorkPs(packet, 0, _tcp);
                break;
            case Ipv4Header.ProtocolUdp when _udp is not null:
                WorkPs(packet, 0, _udp);
                break;
            default:
                Node.Pool.Deliver(packet);
                break;
        }
    }

    internal void Transmit(Packet packet) =>
        Work(packet, Costs.IcmpSend, Namespace.LocalOut, packet.Trace is null ? null : "ping_v4_sendmsg");

    internal void Unbind(PingSocket socket)
    {
        if (_bound.TryGetValue(socket.Identifier, out PingSocket? s) && ReferenceEquals(s, socket)) _bound.Remove(socket.Identifier);
    }

    /// <summary>ping_queue_rcv_skb: charged like udp_rcv's queueing (the profile has no separate ICMP receive cost).</summary>
    private void Deliver(Packet packet, ushort identifier, ushort sequence, bool isError)
    {
        long finish = Charge(packet, Costs.UdpReceive.For(packet.Length), packet.Trace is null ? null : "ping_rcv");
        if (!_bound.TryGetValue(identifier, out PingSocket? socket))
        {
            NoSocket++;
            Node.Pool.Deliver(packet); // ping_rcv finds no socket: the kernel frees it silently
            return;
        }
        int bytes = packet.PayloadLength;
        int flowId = packet.FlowId;
        Node.Pool.Deliver(packet);
        socket.Arrived(finish, sequence, bytes, flowId, isError);
    }
}
