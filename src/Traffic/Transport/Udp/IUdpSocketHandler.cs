namespace NetSim.Traffic.Transport.Udp;

/// <summary>What an application learns from a UDP socket.</summary>
public interface IUdpSocketHandler
{
    /// <summary>recvfrom() returned one datagram of <paramref name="bytes"/> (copy charged) from flow <paramref name="flowId"/>.</summary>
    void OnDatagram(UdpSocket socket, int bytes, int flowId);

    /// <summary>The send buffer had been full and has room again (a blocked sendto() would return now).</summary>
    void OnSendSpace(UdpSocket socket);
}
