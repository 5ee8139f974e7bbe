using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Engine.Packets;
using NetSim.Traffic.Metrics;

namespace NetSim.Traffic.Transport.Icmp;

/// <summary>
/// An unprivileged ICMP echo socket (socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP), what iputils ping uses): each
/// sendto() is one system call, one copy and one echo request carrying the socket's identifier; each reply the
/// kernel queues costs the reader one recvmsg() (a system call and a copy) on the socket's core. One flow per
/// destination; the replies carry the request's flow id back (the kernel's echo reply keeps the skb's tags here).
/// </summary>
public sealed class PingSocket : IEventTarget
{
    private readonly IcmpStack _stack;
    private readonly IPingSocketHandler _handler;
    private readonly Dictionary<uint, FlowMetrics> _flows = new();

    internal PingSocket(IcmpStack stack, ushort identifier, IPingSocketHandler handler, int core)
    {
        _stack = stack;
        Identifier = identifier;
        _handler = handler;
        Core = core;
    }

    /// <summary>The echo identifier (the ping socket's "port").</summary>
    public ushort Identifier { get; }
    public int Core { get; }
    public long EchoesSent { get; private set; }
    public long RepliesReceived { get; private set; }
    public long ErrorsReceived { get; private set; }

    /// <summary>The flow of echo requests from this socket to <paramref name="destination"/>.</summary>
    public FlowMetrics FlowTo(Ipv4Address destination)
    {
        if (_flows.TryGetValue(destination.Value, out FlowMetrics? flow)) return flow;
        _stack.Namespace.TryResolveRoute(destination, out Ipv4Address source, out _);
        flow = _stack.Flows.Register("icmp", _stack.Namespace.Name, destination.ToString(), source, Identifier, destination, 0,
            _stack.Node.Sim.NowPicoseconds);
        _flows.Add(destination.Value, flow);
        return flow;
    }

    /// <summary>
    /// sendto(): echo request <paramref name="sequence"/> with <paramref name="payloadBytes"/> of data (ping -s).
    /// False when there is no route (ping's "Network is unreachable"). Fragmentation is not modelled, so the
    /// request must fit the path MTU.
    /// </summary>
    public bool SendEcho(Ipv4Address destination, ushort sequence, int payloadBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payloadBytes);
        if (!_stack.Namespace.TryResolveRoute(destination, out Ipv4Address source, out int mtu)) return false;
        int max = mtu - Ipv4Header.Size - IcmpHeader.Size;
        if (payloadBytes > max)
            throw new ArgumentOutOfRangeException(nameof(payloadBytes), payloadBytes, $"a {payloadBytes}-byte echo exceeds the {max} bytes the path MTU {mtu} allows (fragmentation is not modelled)");
        FlowMetrics flow = FlowTo(destination);
        _stack.ChargeCpu(Core, _stack.Costs.SyscallWithCopy(payloadBytes));
        Packet p = _stack.Node.Pool.Rent();
        p.PayloadLength = payloadBytes;
        ref IcmpHeader icmp = ref p.PushIcmp();
        icmp.Type = IcmpHeader.EchoRequest;
        icmp.Identifier = Identifier;
        icmp.SequenceNumber = sequence;
        p.FlowId = flow.Id;
        p.CreatedAt = _stack.Node.Sim.NowPicoseconds;
        p.Core = Core;
        ref Ipv4Header ip = ref p.PushIpv4();
        ip.Source = source;
        ip.Destination = destination;
        ip.Protocol = Ipv4Header.ProtocolIcmp;
        ip.Ttl = LinuxDefaults.DefaultTtl;
        ip.DontFragment = true; // IP_PMTUDISC_DO, as ping's default -M do for sizes within the MTU
        EchoesSent++;
        flow.BytesSent += payloadBytes;
        flow.PacketsSent++;
        flow.WireBytesSent += p.Length;
        _stack.Transmit(p);
        return true;
    }

    /// <summary>close(): frees the identifier.</summary>
    public void Close() => _stack.Unbind(this);

    /// <summary>ping_rcv queued a reply or error at <paramref name="atPs"/>; the reader's recvmsg() follows.</summary>
    internal void Arrived(long atPs, ushort sequence, int bytes, int flowId, bool isError)
    {
        if (_stack.Flows.Find(flowId) is { } flow)
        {
            flow.PacketsReceived++;
            flow.BytesReceived += bytes;
            if (!isError) flow.Delivered(atPs); // a reply: the echo stream's delivery gaps show an outage as they do for UDP
        }
        long arg = sequence | (isError ? 1L << 16 : 0) | ((long)bytes << 17);
        _stack.Node.Sim.ScheduleAtPicoseconds(atPs, this, TransportEventKinds.SegmentArrival, arg, null, _stack.Node.Id);
    }

    void IEventTarget.OnEvent(in SimEvent ev)
    {
        if (ev.Kind == TransportEventKinds.SegmentArrival)
        {
            int bytes = (int)(ev.Arg >> 17);
            long finish = _stack.ChargeCpu(Core, _stack.Costs.SyscallWithCopy(bytes));
            _stack.Node.Sim.ScheduleAtPicoseconds(finish, this, TransportEventKinds.ReadComplete, ev.Arg, null, _stack.Node.Id);
            return;
        }
        ushort sequence = (ushort)ev.Arg;
        long now = _stack.Node.Sim.NowPicoseconds;
        if ((ev.Arg & (1L << 16)) != 0)
        {
            ErrorsReceived++;
            _handler.OnEchoError(this, sequence, now);
            return;
        }
        RepliesReceived++;
        _handler.OnEchoReply(this, sequence, (int)(ev.Arg >> 17), now);
    }
}
