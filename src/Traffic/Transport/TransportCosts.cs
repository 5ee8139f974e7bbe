using NetSim.Engine.Costs;

namespace NetSim.Traffic.Transport;

/// <summary>The socket-layer costs of a node's profile, resolved once when a stack is built (never per packet).</summary>
public sealed class TransportCosts
{
    public TransportCosts(CostProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        Syscall = profile[CostKeys.SocketSyscall];
        Copy = profile[CostKeys.SocketCopy];
        TcpTransmit = profile[CostKeys.TcpTransmit];
        TcpReceive = profile[CostKeys.TcpReceive];
        TcpConnect = profile[CostKeys.TcpConnect];
        UdpTransmit = profile[CostKeys.UdpTransmit];
        UdpReceive = profile[CostKeys.UdpReceive];
        IcmpSend = profile[CostKeys.IcmpSend];
        Iperf3UdpSend = profile[CostKeys.Iperf3UdpSend];
        Iperf3UdpReceive = profile[CostKeys.Iperf3UdpReceive];
    }

    /// <summary>socket.syscall: one send/recv/accept/connect system call.</summary>
    public Cost Syscall { get; }
    /// <summary>socket.copy: user↔kernel copy, charged per byte.</summary>
    public Cost Copy { get; }
    public Cost TcpTransmit { get; }
    public Cost TcpReceive { get; }
    public Cost TcpConnect { get; }
    public Cost UdpTransmit { get; }
    public Cost UdpReceive { get; }
    /// <summary>icmp.send: building and sending one ICMP message (a ping socket's echo request, like the kernel's echo reply).</summary>
    public Cost IcmpSend { get; }

    /// <summary>iperf3.udp_send: iperf3 -u's user-space work per datagram it sends.</summary>
    public Cost Iperf3UdpSend { get; }
    /// <summary>iperf3.udp_receive: iperf3 -s's user-space work per datagram it reads.</summary>
    public Cost Iperf3UdpReceive { get; }

    /// <summary>A system call that copies <paramref name="bytes"/> of user data: the call plus the copy.</summary>
    public long SyscallWithCopy(int bytes) => Syscall.For(0) + Copy.For(bytes);
}
