namespace NetSim.Traffic.Transport.Icmp;

/// <summary>What a ping socket's owner hears: an echo reply (or an ICMP error about an echo) read by recvmsg().</summary>
public interface IPingSocketHandler
{
    /// <summary>recvmsg() returned the reply to echo <paramref name="sequence"/> at <paramref name="nowPs"/>.</summary>
    void OnEchoReply(PingSocket socket, ushort sequence, int payloadBytes, long nowPs);

    /// <summary>recvmsg() returned an ICMP error (unreachable, time exceeded) about echo <paramref name="sequence"/>.</summary>
    void OnEchoError(PingSocket socket, ushort sequence, long nowPs);
}
