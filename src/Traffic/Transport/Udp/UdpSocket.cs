using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Engine.Packets;
using NetSim.Traffic.Metrics;

namespace NetSim.Traffic.Transport.Udp;

/// <summary>
/// A UDP socket: every sendto() is one system call, one copy, one udp.transmit and one datagram (no
/// retransmission, no GSO). Each datagram's memory (skb truesize) counts against the send buffer (SO_SNDBUF,
/// sk_wmem_alloc) until the datagram is orphaned: sent by the NIC, or received by IP in the next namespace; a
/// sender that finds the buffer full blocks (sock_alloc_send_pskb) until <see cref="IUdpSocketHandler.OnSendSpace"/>.
/// Received datagrams wait in the receive buffer (SO_RCVBUF, counted in payload bytes; a full buffer drops with
/// DropReason.ReceiveBufferFull, Linux's RcvbufErrors) until the application's recvfrom() copies them out, one
/// call per datagram. Each destination this socket sends to is its own flow.
/// </summary>
public sealed class UdpSocket : IEventTarget, ISkbOwner
{
    private readonly UdpStack _stack;
    private readonly Dictionary<(uint Address, ushort Port), FlowMetrics> _flows = new();
    private readonly int _receiveBuffer;
    private readonly int _sendBuffer;
    private long _wmem;
    private bool _sendBlocked;
    private bool _readerPlaced;
    private uint _rxHash;
    private int[] _queuedBytes = new int[16];
    private int[] _queuedFlow = new int[16];
    private UdpDatagram[] _queuedFrom = new UdpDatagram[16];
    private int _queueHead;
    private int _queueCount;
    private long _queued;
    private bool _readInProgress;
    /// <summary>The reading thread has been woken and is not running yet.</summary>
    private bool _wakePending;

    internal UdpSocket(UdpStack stack, ushort port, IUdpSocketHandler? handler, int core, int receiveBufferBytes, int sendBufferBytes)
    {
        _stack = stack;
        LocalPort = port;
        Handler = handler;
        Core = core;
        _receiveBuffer = receiveBufferBytes;
        _sendBuffer = sendBufferBytes;
    }

    public ushort LocalPort { get; }
    /// <summary>bind() to one local address: datagrams leave from it (null: INADDR_ANY, the route's preferred source).</summary>
    public Ipv4Address? BoundAddress { get; set; }
    /// <summary>The core of the thread using the socket (a reader follows its datagrams' softirq wakeups, as TCP's does).</summary>
    public int Core { get; private set; }
    /// <summary>SO_SNDBUF: bytes of datagram memory (truesize) the socket may have in the host at once.</summary>
    public int SendBuffer => _sendBuffer;
    /// <summary>sk_wmem_alloc: truesize of the socket's datagrams not yet orphaned.</summary>
    public long SendBufferUsed => _wmem;
    /// <summary>A sendto() now would block: sock_alloc_send_pskb waits while sk_wmem_alloc ≥ sk_sndbuf.</summary>
    public bool SendBufferFull => _wmem >= _sendBuffer;
    public IUdpSocketHandler? Handler { get; set; }
    public long DatagramsSent { get; private set; }
    public long DatagramsReceived { get; private set; }
    /// <summary>Datagrams dropped because the receive buffer was full.</summary>
    public long ReceiveBufferDrops { get; private set; }

    /// <summary>The largest payload that fits the path MTU without IP fragmentation (MTU − 20 − 8).</summary>
    public int MaxPayloadTo(Ipv4Address destination) =>
        _stack.Namespace.TryResolveRoute(destination, out _, out int mtu) ? mtu - Ipv4Header.Size - UdpHeader.Size : 0;

    /// <summary>The flow of datagrams from this socket to <paramref name="destination"/>:<paramref name="port"/>.</summary>
    public FlowMetrics FlowTo(Ipv4Address destination, ushort port)
    {
        if (_flows.TryGetValue((destination.Value, port), out FlowMetrics? flow)) return flow;
        _stack.Namespace.TryResolveRoute(destination, out Ipv4Address source, out _);
        flow = _stack.Flows.Register("udp", _stack.Namespace.Name, destination.ToString(), source, LocalPort, destination, port,
            _stack.Node.Sim.NowPicoseconds);
        _flows.Add((destination.Value, port), flow);
        return flow;
    }

    /// <summary>
    /// sendto(): one datagram of <paramref name="bytes"/>. False when there is no route. IP fragmentation is not
    /// modelled, so a datagram larger than the path MTU allows is rejected. A sender that models blocking checks
    /// <see cref="SendBufferFull"/> first; the datagram is charged to the send buffer either way.
    /// </summary>
    public bool SendTo(Ipv4Address destination, ushort port, int bytes) => SendTo(destination, port, bytes, 0);

    /// <summary>sendto() of a datagram whose content the receiver reads back (<see cref="UdpDatagram.Tag"/>).</summary>
    public bool SendTo(Ipv4Address destination, ushort port, int bytes, long tag)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (!_stack.Namespace.TryResolveRoute(destination, out Ipv4Address source, out int mtu)) return false;
        if (BoundAddress is { } bound) source = bound;
        int max = mtu - Ipv4Header.Size - UdpHeader.Size;
        if (bytes > max)
            throw new ArgumentOutOfRangeException(nameof(bytes), bytes, $"a {bytes}-byte datagram exceeds the {max} bytes the path MTU {mtu} allows (fragmentation is not modelled)");
        FlowMetrics flow = FlowTo(destination, port);
        var sim = _stack.Node.Sim;
        _stack.ChargeCpu(Core, _stack.Costs.SyscallWithCopy(bytes));
        Packet p = _stack.Node.Pool.Rent();
        ref UdpHeader udp = ref p.PushUdp();
        udp.SourcePort = LocalPort;
        udp.DestinationPort = port;
        p.PayloadLength = bytes;
        p.FlowId = flow.Id;
        p.AppTag = tag;
        p.CreatedAt = sim.NowPicoseconds;
        p.Core = Core;
        p.ChecksumOffloaded = true;
        ref Ipv4Header ip = ref p.PushIpv4();
        p.Owner = this;
        p.Truesize = SkbTruesize.For(bytes + UdpHeader.Size + Ipv4Header.Size);
        _wmem += p.Truesize;
        ip.Source = source;
        ip.Destination = destination;
        ip.Protocol = Ipv4Header.ProtocolUdp;
        ip.Ttl = LinuxDefaults.DefaultTtl;
        ip.DontFragment = true;
        DatagramsSent++;
        flow.BytesSent += bytes;
        flow.PacketsSent++;
        flow.WireBytesSent += p.Length;
        _stack.Transmit(p);
        return true;
    }

    void ISkbOwner.Free(int truesize)
    {
        _wmem -= truesize;
        if (!_sendBlocked || SendBufferFull) return;
        _sendBlocked = false;
        Handler?.OnSendSpace(this);
    }

    /// <summary>The sender found the buffer full and waits for room (<see cref="IUdpSocketHandler.OnSendSpace"/>).</summary>
    public void WaitForSendSpace()
    {
        if (SendBufferFull) _sendBlocked = true;
        else Handler?.OnSendSpace(this);
    }

    /// <summary>close(): unbinds the port.</summary>
    public void Close() => _stack.Unbind(this);

    void IEventTarget.OnEvent(in SimEvent ev)
    {
        if (ev.Kind == TransportEventKinds.SegmentArrival) OnDatagram((Packet)ev.Payload!);
        else if (ev.Kind == TransportEventKinds.ReadComplete) OnReadComplete();
        else if (ev.Kind == TransportEventKinds.ThreadWoken) OnThreadWoken();
    }

    private void OnDatagram(Packet p)
    {
        int bytes = p.PayloadLength;
        if (p.Hash != 0) _rxHash = p.Hash; // sock_rps_save_rxhash
        if (_queued + bytes > _receiveBuffer)
        {
            ReceiveBufferDrops++;
            _stack.DropDatagram(p, DropReason.ReceiveBufferFull);
            return;
        }
        long now = _stack.Node.Sim.NowPicoseconds;
        if (!_readerPlaced)
        {
            // The reading thread follows the wakeups of its datagrams' softirq (onto its core, or off it when tuned apart).
            _readerPlaced = true;
            Core = _stack.Node.Cpu.Scheduler.OnWakeup(Core, p.Core, now);
        }
        FlowMetrics? flow = _stack.Flows.Find(p.FlowId);
        if (flow is not null)
        {
            flow.PacketsReceived++;
            flow.BytesReceived += bytes;
            flow.LastReceivePs = now;
            flow.OneWayLatency.RecordPicoseconds(now - p.CreatedAt);
        }
        DatagramsReceived++;
        int ipLayer = p.IndexOfInner(HeaderKind.Ipv4);
        var from = new UdpDatagram(bytes, p.FlowId, ipLayer >= 0 ? p.Layer(ipLayer).Ipv4.Source : Ipv4Address.Any,
            p.Layer(p.IndexOfInner(HeaderKind.Udp)).Udp.SourcePort, p.AppTag);
        Enqueue(from);
        _stack.Node.Pool.Deliver(p);
        WakeReader();
    }

    /// <summary>
    /// sk_data_ready: a reader blocked in recvfrom() runs after its wakeup latency (the node's draw); datagrams
    /// arriving meanwhile wait in the socket. With an exact profile it reads at once.
    /// </summary>
    private void WakeReader()
    {
        if (_readInProgress || _wakePending || _queueCount == 0) return;
        long now = _stack.Node.Sim.NowPicoseconds;
        long delay = _stack.Node.Draws.WakeupPs(Core, now);
        if (delay == 0)
        {
            ScheduleRead();
            return;
        }
        _wakePending = true;
        _stack.Node.Sim.ScheduleAtPicoseconds(now + delay, this, TransportEventKinds.ThreadWoken, 0, null, _stack.Node.Id);
    }

    private void OnThreadWoken()
    {
        _wakePending = false;
        ScheduleRead();
    }

    private void ScheduleRead()
    {
        if (_readInProgress || _wakePending || _queueCount == 0) return;
        _readInProgress = true;
        _stack.Node.RpsSockFlows.Record(_rxHash, Core); // sock_rps_record_flow: RFS steers the flow to this reader's core
        long finish = _stack.ChargeCpu(Core, _stack.Costs.SyscallWithCopy(_queuedBytes[_queueHead]));
        _stack.Node.Sim.ScheduleAtPicoseconds(finish, this, TransportEventKinds.ReadComplete, 0, null, _stack.Node.Id);
    }

    private void OnReadComplete()
    {
        _readInProgress = false;
        int bytes = _queuedBytes[_queueHead];
        int flowId = _queuedFlow[_queueHead];
        UdpDatagram from = _queuedFrom[_queueHead];
        _queueHead = (_queueHead + 1) % _queuedBytes.Length;
        _queueCount--;
        _queued -= bytes;
        if (_stack.Flows.Find(flowId) is { } flow)
        {
            long now = _stack.Node.Sim.NowPicoseconds;
            flow.BytesDelivered += bytes;
            if (flow.FirstDeliveryPs < 0) flow.FirstDeliveryPs = now;
            flow.Delivered(now);
        }
        Handler?.OnDatagramFrom(this, from);
        ScheduleRead();
    }

    private void Enqueue(in UdpDatagram d)
    {
        if (_queueCount == _queuedBytes.Length)
        {
            var b = new int[_queuedBytes.Length * 2];
            var f = new int[b.Length];
            var from = new UdpDatagram[b.Length];
            for (int i = 0; i < _queueCount; i++)
            {
                int j = (_queueHead + i) % _queuedBytes.Length;
                b[i] = _queuedBytes[j];
                f[i] = _queuedFlow[j];
                from[i] = _queuedFrom[j];
            }
            _queuedBytes = b;
            _queuedFlow = f;
            _queuedFrom = from;
            _queueHead = 0;
        }
        int bytes = d.Bytes;
        int tail = (_queueHead + _queueCount) % _queuedBytes.Length;
        _queuedBytes[tail] = bytes;
        _queuedFlow[tail] = d.FlowId;
        _queuedFrom[tail] = d;
        _queueCount++;
        _queued += bytes;
    }
}
