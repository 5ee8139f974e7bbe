using NetSim.Engine.Addressing;
using NetSim.Engine.Elements;
using NetSim.Engine.Packets;
using NetSim.Traffic.Metrics;

namespace NetSim.Traffic.Transport.Tcp;

/// <summary>
/// A network namespace's TCP (tcp_v4_rcv and the socket tables): registered for IP protocol 6, it charges
/// tcp.receive for each segment on the packet's core, then hands it to the socket found by 4-tuple (the
/// established hash), else to the listener on the port, else answers with a RST (tcp_v4_send_reset). Sockets
/// transmit through it (tcp.transmit, then ip_local_out).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "'TCP stack' is the protocol implementation's own name.")]
public sealed class TcpStack : PacketElement
{
    private readonly Dictionary<ConnectionKey, TcpSocket> _connections = new();
    private readonly Dictionary<ushort, TcpListener> _listeners = new();
    private readonly EphemeralPortAllocator _ports = new();

    public TcpStack(INetworkNamespace ns, FlowTable flows, TcpSocketOptions? defaults = null)
        : base(Required(ns).Node, "tcp")
    {
        ArgumentNullException.ThrowIfNull(flows);
        Namespace = ns;
        Flows = flows;
        Costs = new TransportCosts(ns.Node.Costs);
        Defaults = defaults ?? TcpSocketOptions.Default;
        Defaults.Validate();
        flows.Attach(ns.Node.Pool);
        ns.RegisterProtocol(Ipv4Header.ProtocolTcp, this);
    }

    public INetworkNamespace Namespace { get; }
    public FlowTable Flows { get; }
    public TransportCosts Costs { get; }
    /// <summary>Options for sockets that are not given their own.</summary>
    public TcpSocketOptions Defaults { get; }
    public TcpStackCounters Counters { get; } = new();
    /// <summary>Added to every initial sequence number (tests use it to exercise 32-bit wraparound).</summary>
    public uint IssOffset { get; set; }
    /// <summary>Sockets in the established table (any state but LISTEN and CLOSED, TIME_WAIT included).</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>listen() on <paramref name="port"/> (any local address).</summary>
    public TcpListener Listen(ushort port, ITcpAcceptHandler acceptor, TcpSocketOptions? options = null, int core = 0,
        int backlog = LinuxDefaults.Somaxconn)
    {
        ArgumentNullException.ThrowIfNull(acceptor);
        if (port == 0) throw new ArgumentOutOfRangeException(nameof(port), "a listener needs a port");
        if (_listeners.ContainsKey(port)) throw new InvalidOperationException($"{Namespace.Name}: port {port} already has a listener (EADDRINUSE)");
        options ??= Defaults;
        options.Validate();
        // __sys_listen: a backlog above the namespace's somaxconn is silently capped to it.
        var listener = new TcpListener(this, port, acceptor, options, core, Math.Min(backlog, Namespace.Somaxconn));
        _listeners.Add(port, listener);
        return listener;
    }

    /// <summary>
    /// connect(): picks the source address and MTU from the route, an ephemeral port unless one is given, and sends
    /// the SYN after the connect() cost. Returns null (and why) when there is no route or no free port.
    /// </summary>
    public TcpSocket? Connect(Ipv4Address remote, ushort remotePort, ITcpSocketHandler handler, out ConnectError error,
        TcpSocketOptions? options = null, int core = 0, ushort localPort = 0)
    {
        ArgumentNullException.ThrowIfNull(handler);
        options ??= Defaults;
        options.Validate();
        if (!Namespace.TryResolveRoute(remote, out Ipv4Address source, out int mtu))
        {
            Counters.ConnectFailures++;
            error = ConnectError.NoRoute;
            return null;
        }
        if (localPort == 0 && !_ports.TryAllocate((this, source, remote, remotePort), static (s, port) =>
                s.Item1._listeners.ContainsKey(port) ||
                s.Item1._connections.ContainsKey(new ConnectionKey(s.source, port, s.remote, s.remotePort)), out localPort))
        {
            Counters.ConnectFailures++;
            error = ConnectError.NoEphemeralPort;
            return null;
        }
        var key = new ConnectionKey(source, localPort, remote, remotePort);
        if (_connections.ContainsKey(key))
        {
            Counters.ConnectFailures++;
            error = ConnectError.NoEphemeralPort;
            return null;
        }
        long now = Node.Sim.NowPicoseconds;
        FlowMetrics flow = Flows.Register("tcp", Namespace.Name, remote.ToString(), source, localPort, remote, remotePort, now);
        var socket = new TcpSocket(this, key, options, core, mtu, flow, NextIss(key));
        socket.SetHandler(handler);
        _connections.Add(key, socket);
        Counters.ActiveOpens++;
        socket.StartConnect();
        error = ConnectError.None;
        return socket;
    }

    /// <summary>tcp_v4_rcv: charge the receive work, then find the socket.</summary>
    public override void Receive(Packet packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        Counters.SegmentsReceived++;
        long finish = Charge(packet, Costs.TcpReceive.For(packet.Length), packet.Trace is null ? null : "tcp_v4_rcv");
        Dispatch(packet, finish);
    }

    /// <summary>A segment that reached a socket which closed meanwhile: look it up again (no second charge).</summary>
    internal void Redeliver(Packet packet) => Dispatch(packet, Node.Sim.NowPicoseconds);

    private void Dispatch(Packet packet, long at)
    {
        ref Ipv4Header ip = ref packet.Ipv4;
        ref TcpHeader tcp = ref packet.Tcp;
        var key = new ConnectionKey(ip.Destination, tcp.DestinationPort, ip.Source, tcp.SourcePort);
        bool bareSyn = (tcp.Flags & (TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Rst)) == TcpFlags.Syn;
        if (_connections.TryGetValue(key, out TcpSocket? socket))
        {
            if (bareSyn && socket.AcceptsNewSyn(tcp.SequenceNumber, tcp.HasTimestamps, tcp.TimestampValue))
            {
                Counters.TimeWaitRecycled++;
                socket.ReleaseTimeWait();
            }
            else
            {
                Node.Sim.ScheduleAtPicoseconds(at, socket, TransportEventKinds.SegmentArrival, 0, packet, Node.Id);
                return;
            }
        }
        if (bareSyn && _listeners.TryGetValue(tcp.DestinationPort, out TcpListener? listener))
        {
            Node.Sim.ScheduleAtPicoseconds(at, listener, TransportEventKinds.SynArrival, 0, packet, Node.Id);
            return;
        }
        Counters.NoSocket++;
        SendResetFor(packet, packet.Core);
        Drop(packet, DropReason.NoListener);
    }

    /// <summary>tcp_v4_send_reset: the RST answering <paramref name="offending"/> (never answers a RST).</summary>
    internal void SendResetFor(Packet offending, int core)
    {
        ref Ipv4Header ip = ref offending.Ipv4;
        ref TcpHeader t = ref offending.Tcp;
        if ((t.Flags & TcpFlags.Rst) != 0) return;
        Packet rst = Node.Pool.Rent();
        ref TcpHeader r = ref rst.PushTcp();
        r.SourcePort = t.DestinationPort;
        r.DestinationPort = t.SourcePort;
        if ((t.Flags & TcpFlags.Ack) != 0)
        {
            r.SequenceNumber = t.AcknowledgmentNumber;
            r.Flags = TcpFlags.Rst;
        }
        else
        {
            uint len = (uint)offending.PayloadLength + ((t.Flags & TcpFlags.Syn) != 0 ? 1u : 0u) + ((t.Flags & TcpFlags.Fin) != 0 ? 1u : 0u);
            r.AcknowledgmentNumber = t.SequenceNumber + len;
            r.Flags = TcpFlags.Rst | TcpFlags.Ack;
        }
        Ipv4Address source = ip.Destination, destination = ip.Source;
        rst.CreatedAt = Node.Sim.NowPicoseconds;
        rst.Core = core;
        ref Ipv4Header rip = ref rst.PushIpv4();
        rip.Source = source;
        rip.Destination = destination;
        rip.Protocol = Ipv4Header.ProtocolTcp;
        rip.Ttl = LinuxDefaults.DefaultTtl;
        rip.DontFragment = true;
        Counters.ResetsSent++;
        Transmit(rst);
    }

    /// <summary>tcp_transmit_skb → ip_local_out: charge tcp.transmit on the packet's core, then hand it to the namespace.</summary>
    internal void Transmit(Packet packet)
    {
        Counters.SegmentsSent++;
        Work(packet, Costs.TcpTransmit, Namespace.LocalOut, packet.Trace is null ? null : "tcp_transmit_skb");
    }

    /// <summary>
    /// The core the application of a connection runs on once the connection's receive core is known: the scheduler
    /// moves its thread with the wakeups (<see cref="Engine.Cpu.CpuScheduler.OnWakeup"/>): onto the receive core on an
    /// untuned host (wake-affine), off it where interrupts and applications are kept apart.
    /// </summary>
    internal int ApplicationCore(int preferred, int receiveCore) =>
        Node.Cpu.Scheduler.OnWakeup(preferred, receiveCore, Node.Sim.NowPicoseconds);

    /// <summary>Work outside any packet (system calls, copies) on a core, as drawn for this call; returns when it finishes.</summary>
    internal long ChargeCpu(int core, long workPs)
    {
        workPs = Node.Draws.Task(workPs);
        Counters.SocketCpuPs += workPs;
        return Node.Cpu[core].Execute(Node.Sim.NowPicoseconds, workPs, Engine.Cpu.CpuContext.Process, out _);
    }

    internal void DropSegment(Packet packet, DropReason reason) => Drop(packet, reason);

    internal TcpSocket CreatePassive(ConnectionKey key, TcpSocketOptions options, int core, int mtu)
    {
        FlowMetrics flow = Flows.Register("tcp", Namespace.Name, key.RemoteAddress.ToString(), key.LocalAddress, key.LocalPort,
            key.RemoteAddress, key.RemotePort, Node.Sim.NowPicoseconds);
        var socket = new TcpSocket(this, key, options, core, mtu, flow, NextIss(key));
        _connections.Add(key, socket);
        Counters.PassiveOpens++;
        return socket;
    }

    internal void Remove(TcpSocket socket)
    {
        if (_connections.TryGetValue(socket.Key, out TcpSocket? s) && ReferenceEquals(s, socket)) _connections.Remove(socket.Key);
    }

    internal void Unlisten(TcpListener listener)
    {
        if (_listeners.TryGetValue(listener.Port, out TcpListener? l) && ReferenceEquals(l, listener)) _listeners.Remove(listener.Port);
    }

    /// <summary>RFC 6528: ISN = M + F(4-tuple), M a 4 µs clock, F a fixed keyed hash (deterministic here).</summary>
    private uint NextIss(in ConnectionKey key)
    {
        uint clock = (uint)(Node.Sim.NowPicoseconds / 4_000_000);
        return clock + (uint)key.GetHashCode() * 2654435761u + IssOffset;
    }

    private static INetworkNamespace Required(INetworkNamespace ns)
    {
        ArgumentNullException.ThrowIfNull(ns);
        return ns;
    }
}

/// <summary>Counters of one namespace's TCP (a subset of Linux's TcpExt/Tcp MIB).</summary>
public sealed class TcpStackCounters
{
    public long SegmentsReceived;
    public long SegmentsSent;
    public long ActiveOpens;
    public long PassiveOpens;
    /// <summary>Segments for no socket (answered with RST and counted as DropReason.NoListener).</summary>
    public long NoSocket;
    public long ResetsSent;
    public long ConnectFailures;
    /// <summary>SYNs dropped because the accept queue was full (ListenOverflows).</summary>
    public long ListenOverflows;
    /// <summary>TIME_WAIT sockets replaced by a new connection on the same 4-tuple.</summary>
    public long TimeWaitRecycled;
    /// <summary>CPU time of system calls and copies, in picoseconds.</summary>
    public long SocketCpuPs;
}
