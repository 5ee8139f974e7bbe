using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Engine.Packets;
using NetSim.Traffic.Metrics;

namespace NetSim.Traffic.Transport.Udp;

/// <summary>
/// A UDP socket: every sendto() is one system call, one copy, one udp.transmit and one datagram (no
/// retransmission, no GSO); received datagrams wait in the receive buffer (SO_RCVBUF, counted in payload bytes;
/// a full buffer drops with DropReason.ReceiveBufferFull, Linux's RcvbufErrors) until the application's
/// recvfrom() copies them out, one call per datagram. Each destination this socket sends to is its own flow.
/// </summary>
public sealed class UdpSocket : IEventTarget
{
    private readonly UdpStack _stack;
    private readonly Dictionary<(uint Address, ushort Port), FlowMetrics> _flows = new();
    private readonly int _receiveBuffer;
    private int[] _queuedBytes = new int[16];
    private int[] _queuedFlow = new int[16];
    private int _queueHead;
    private int _queueCount;
    private long _queued;
    private bool _readInProgress;

    internal UdpSocket(UdpStack stack, ushort port, IUdpSocketHandler? handler, int core, int receiveBufferBytes)
    {
        _stack = stack;
        LocalPort = port;
        Handler = handler;
        Core = core;
        _receiveBuffer = receiveBufferBytes;
    }

    public ushort LocalPort { get; }
    public int Core { get; }
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
    /// modelled, so a datagram larger than the path MTU allows is rejected.
    /// </summary>
    public bool SendTo(Ipv4Address destination, ushort port, int bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (!_stack.Namespace.TryResolveRoute(destination, out Ipv4Address source, out int mtu)) return false;
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
        p.CreatedAt = sim.NowPicoseconds;
        p.Core = Core;
        p.ChecksumOffloaded = true;
        ref Ipv4Header ip = ref p.PushIpv4();
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

    /// <summary>close(): unbinds the port.</summary>
    public void Close() => _stack.Unbind(this);

    void IEventTarget.OnEvent(in SimEvent ev)
    {
        if (ev.Kind == TransportEventKinds.SegmentArrival) OnDatagram((Packet)ev.Payload!);
        else if (ev.Kind == TransportEventKinds.ReadComplete) OnReadComplete();
    }

    private void OnDatagram(Packet p)
    {
        int bytes = p.PayloadLength;
        if (_queued + bytes > _receiveBuffer)
        {
            ReceiveBufferDrops++;
            _stack.DropDatagram(p, DropReason.ReceiveBufferFull);
            return;
        }
        long now = _stack.Node.Sim.NowPicoseconds;
        FlowMetrics? flow = _stack.Flows.Find(p.FlowId);
        if (flow is not null)
        {
            flow.PacketsReceived++;
            flow.BytesReceived += bytes;
            flow.LastReceivePs = now;
            flow.OneWayLatency.RecordPicoseconds(now - p.CreatedAt);
        }
        DatagramsReceived++;
        Enqueue(bytes, p.FlowId);
        _stack.Node.Pool.Deliver(p);
        ScheduleRead();
    }

    private void ScheduleRead()
    {
        if (_readInProgress || _queueCount == 0) return;
        _readInProgress = true;
        long finish = _stack.ChargeCpu(Core, _stack.Costs.SyscallWithCopy(_queuedBytes[_queueHead]));
        _stack.Node.Sim.ScheduleAtPicoseconds(finish, this, TransportEventKinds.ReadComplete, 0, null, _stack.Node.Id);
    }

    private void OnReadComplete()
    {
        _readInProgress = false;
        int bytes = _queuedBytes[_queueHead];
        int flowId = _queuedFlow[_queueHead];
        _queueHead = (_queueHead + 1) % _queuedBytes.Length;
        _queueCount--;
        _queued -= bytes;
        if (_stack.Flows.Find(flowId) is { } flow)
        {
            long now = _stack.Node.Sim.NowPicoseconds;
            flow.BytesDelivered += bytes;
            if (flow.FirstDeliveryPs < 0) flow.FirstDeliveryPs = now;
            flow.LastDeliveryPs = now;
        }
        Handler?.OnDatagram(this, bytes, flowId);
        ScheduleRead();
    }

    private void Enqueue(int bytes, int flowId)
    {
        if (_queueCount == _queuedBytes.Length)
        {
            var b = new int[_queuedBytes.Length * 2];
            var f = new int[b.Length];
            for (int i = 0; i < _queueCount; i++)
            {
                int j = (_queueHead + i) % _queuedBytes.Length;
                b[i] = _queuedBytes[j];
                f[i] = _queuedFlow[j];
            }
            _queuedBytes = b;
            _queuedFlow = f;
            _queueHead = 0;
        }
        int tail = (_queueHead + _queueCount) % _queuedBytes.Length;
        _queuedBytes[tail] = bytes;
        _queuedFlow[tail] = flowId;
        _queueCount++;
        _queued += bytes;
    }
}
