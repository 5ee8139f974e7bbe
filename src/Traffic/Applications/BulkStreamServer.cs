using NetSim.Traffic.Transport.Tcp;
using NetSim.Traffic.Transport.Udp;

namespace NetSim.Traffic.Applications;

/// <summary>iperf3 -s: accepts TCP streams and receives UDP datagrams on one port, reading everything.</summary>
public sealed class BulkStreamServer : ITcpAcceptHandler, ITcpSocketHandler, IUdpSocketHandler
{
    public BulkStreamServer(TrafficEndpoint at, ushort port = 5201, TcpSocketOptions? tcp = null)
    {
        ArgumentNullException.ThrowIfNull(at);
        int main = at.SleepingThread();
        Listener = at.Transport.Tcp.Listen(port, this, tcp, main);
        Listener.ThreadPerConnection = true;
        Udp = at.Transport.Udp.Bind(port, this, main);
        _udpStack = at.Transport.Udp;
    }

    private readonly UdpStack _udpStack;

    public TcpListener Listener { get; }
    public UdpSocket Udp { get; }
    public long BytesReceived { get; private set; }
    public long DatagramsReceived { get; private set; }

    ITcpSocketHandler ITcpAcceptHandler.OnAccept(TcpSocket socket) => this;
    void ITcpSocketHandler.OnConnected(TcpSocket socket) { }
    void ITcpSocketHandler.OnReceived(TcpSocket socket, int bytes) => BytesReceived += bytes;
    void ITcpSocketHandler.OnSendSpace(TcpSocket socket) { }
    void ITcpSocketHandler.OnPeerClosed(TcpSocket socket) => socket.Close();
    void ITcpSocketHandler.OnClosed(TcpSocket socket, TcpCloseReason reason) { }

    void IUdpSocketHandler.OnDatagram(UdpSocket socket, int bytes, int flowId)
    {
        BytesReceived += bytes;
        DatagramsReceived++;
        // iperf3's loss, order and jitter bookkeeping per datagram, in user space before its next recvfrom().
        long user = _udpStack.Costs.Iperf3UdpReceive.For(0);
        if (user > 0) _udpStack.ChargeCpu(socket.Core, user);
    }

    void IUdpSocketHandler.OnSendSpace(UdpSocket socket) { }
}
