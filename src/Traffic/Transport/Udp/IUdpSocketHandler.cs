namespace NetSim.Traffic.Transport.Udp;

/// <summary>What an application learns from a UDP socket.</summary>
public interface IUdpSocketHandler
{
    /// <summary>recvfrom() returned one datagram of <paramref name="bytes"/> (copy charged) from flow <paramref name="flowId"/>.</summary>
    void OnDatagram(UdpSocket socket, int bytes, int flowId);

    /// <summary>recvfrom() with the sender's address and the datagram's content; by default only its size matters.</summary>
    void OnDatagramFrom(UdpSocket socket, in UdpDatagram datagram) => OnDatagram(socket, datagram.Bytes, datagram.FlowId);

    /// <summary>The send buffer had been full and has room again (a blocked sendto() would return now).</summary>
    void OnSendSpace(UdpSocket socket);
}
