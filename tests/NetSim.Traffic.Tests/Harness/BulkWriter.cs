using NetSim.Traffic.Transport.Tcp;

namespace NetSim.Traffic.Tests.Harness;

/// <summary>A client that writes <see cref="TotalBytes"/> (or forever) as fast as the send buffer takes it.</summary>
public sealed class BulkWriter : ITcpSocketHandler
{
    public long TotalBytes { get; init; } = long.MaxValue;
    public int WriteSize { get; init; } = 128 * 1024;
    public bool CloseWhenDone { get; init; } = true;
    public long Written { get; private set; }
    public TcpCloseReason? Closed { get; private set; }

    public void OnConnected(TcpSocket socket) => Fill(socket);
    public void OnReceived(TcpSocket socket, int bytes) { }
    public void OnSendSpace(TcpSocket socket) => Fill(socket);
    public void OnPeerClosed(TcpSocket socket) { }
    public void OnClosed(TcpSocket socket, TcpCloseReason reason) => Closed = reason;

    private void Fill(TcpSocket socket)
    {
        while (Written < TotalBytes)
        {
            int want = (int)Math.Min(WriteSize, TotalBytes - Written);
            int n = socket.Send(want);
            Written += n;
            if (n < want) return;
        }
        if (CloseWhenDone) socket.Close();
    }
}
