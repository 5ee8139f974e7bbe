using NetSim.Engine.Elements;
using NetSim.Engine.Packets;
using NetSim.Traffic.Metrics;

namespace NetSim.Traffic.Transport.Udp;

/// <summary>
/// A network namespace's UDP (udp_rcv and the port table): registered for IP protocol 17, it charges udp.receive
/// per datagram on the packet's core and queues it on the socket bound to the destination port. A datagram for
/// an unbound port is dropped and counted as DropReason.NoListener (the ICMP port unreachable Linux would send is
/// not modelled).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "'UDP stack' is the protocol implementation's own name.")]
public sealed class UdpStack : TransportStack
{
    private readonly Dictionary<ushort, UdpSocket> _bound = new();
    private readonly EphemeralPortAllocator _ports = new();

    public UdpStack(INetworkNamespace ns, FlowTable flows) : base(ns, flows, "udp", Ipv4Header.ProtocolUdp)
    {
    }

    public long DatagramsReceived { get; private set; }
    /// <summary>Datagrams for no bound port (Linux's NoPorts counter).</summary>
    public long NoPorts { get; private set; }

    /// <summary>bind(): a socket on <paramref name="port"/> (0 picks an ephemeral port).</summary>
    public UdpSocket Bind(ushort port, IUdpSocketHandler? handler = null, int core = 0, int receiveBufferBytes = LinuxDefaults.CoreRmemDefault,
        int sendBufferBytes = LinuxDefaults.CoreWmemDefault)
    {
        if (port == 0 && !_ports.TryAllocate(this, static (s, p) => s._bound.ContainsKey(p), out port))
            throw new InvalidOperationException($"{Namespace.Name}: no free UDP port (EADDRNOTAVAIL)");
        if (_bound.ContainsKey(port)) throw new InvalidOperationException($"{Namespace.Name}: UDP port {port} is in use (EADDRINUSE)");
        ArgumentOutOfRangeException.ThrowIfLessThan(receiveBufferBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(sendBufferBytes, 1);
        var socket = new UdpSocket(this, port, handler, core, receiveBufferBytes, sendBufferBytes);
        _bound.Add(port, socket);
        return socket;
    }

    /// <summary>udp_rcv: charge, then queue on the bound socket or drop.</summary>
    public override void Receive(Packet packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        DatagramsReceived++;
        long finish = Charge(packet, Costs.UdpReceive.For(packet.Length), packet.Trace is null ? null : "udp_rcv");
        int layer = packet.IndexOfInner(HeaderKind.Udp);
        ushort port = packet.Layer(layer).Udp.DestinationPort;
        if (_bound.TryGetValue(port, out UdpSocket? socket))
        {
            Node.Sim.ScheduleAtPicoseconds(finish, socket, TransportEventKinds.SegmentArrival, 0, packet, Node.Id);
            return;
        }
        NoPorts++;
        Drop(packet, DropReason.NoListener);
    }

    internal void Transmit(Packet packet) =>
        Work(packet, Costs.UdpTransmit, Namespace.LocalOut, packet.Trace is null ? null : "udp_send_skb");

    internal void DropDatagram(Packet packet, DropReason reason) => Drop(packet, reason);

    internal void Unbind(UdpSocket socket)
    {
        if (_bound.TryGetValue(socket.LocalPort, out UdpSocket? s) && ReferenceEquals(s, socket)) _bound.Remove(socket.LocalPort);
    }
}
