using NetSim.Traffic.Transport.Udp;

namespace NetSim.Traffic.Applications;

/// <summary>A UDP receiver that reads and counts every datagram on its port.</summary>
public sealed class UdpSink : IUdpSocketHandler
{
    public UdpSink(TrafficEndpoint at, ushort port)
    {
        ArgumentNullException.ThrowIfNull(at);
        Socket = at.Transport.Udp.Bind(port, this, at.StartThread());
    }

    public UdpSocket Socket { get; }
    public long BytesReceived { get; private set; }
    public long DatagramsReceived { get; private set; }

    void IUdpSocketHandler.OnDatagram(UdpSocket socket, int bytes, int flowId)
    {
        BytesReceived += bytes;
        DatagramsReceived++;
    }

    void IUdpSocketHandler.OnSendSpace(UdpSocket socket) { }
}
