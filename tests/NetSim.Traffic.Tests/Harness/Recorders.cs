using NetSim.Engine.Packets;
using NetSim.Traffic.Transport.Tcp;

namespace NetSim.Traffic.Tests.Harness;

/// <summary>One captured TCP segment: what tcpdump would print.</summary>
public readonly record struct SegmentRecord(long TimePs, ushort SourcePort, ushort DestinationPort, TcpFlags Flags,
    uint Seq, uint Ack, int Length, ushort MaxSegmentSize, bool SackPermitted, bool Timestamps, bool WindowScale, int SackBlocks);

/// <summary>A tap on a wire that records TCP segments (after GSO, so one record per frame).</summary>
public sealed class SegmentLog : IPacketTap
{
    public List<SegmentRecord> Segments { get; } = new();

    public void Capture(Packet packet, long timePs)
    {
        if (!packet.Has(HeaderKind.Tcp)) return;
        ref TcpHeader t = ref packet.Tcp;
        Segments.Add(new SegmentRecord(timePs, t.SourcePort, t.DestinationPort, t.Flags, t.SequenceNumber, t.AcknowledgmentNumber,
            packet.PayloadLength, t.MaxSegmentSize, t.SackPermitted, t.HasTimestamps, t.HasWindowScale, t.SackBlockCount));
    }
}

/// <summary>A socket handler that records what happened and optionally echoes or sinks data.</summary>
public sealed class RecordingHandler : ITcpSocketHandler, ITcpAcceptHandler
{
    public List<string> Events { get; } = new();
    public List<TcpSocket> Accepted { get; } = new();
    public long BytesReceived { get; private set; }
    public TcpCloseReason? CloseReason { get; private set; }
    public long ConnectedAtPs { get; private set; } = -1;
    public bool CloseOnPeerClose { get; init; } = true;
    public Action<TcpSocket, int>? OnData { get; init; }

    public void OnConnected(TcpSocket socket)
    {
        ConnectedAtPs = socket.Stack.Node.Sim.NowPicoseconds;
        Events.Add("connected");
    }

    public void OnReceived(TcpSocket socket, int bytes)
    {
        BytesReceived += bytes;
        OnData?.Invoke(socket, bytes);
    }

    public void OnSendSpace(TcpSocket socket) => Events.Add("send-space");

    public void OnPeerClosed(TcpSocket socket)
    {
        Events.Add("peer-closed");
        if (CloseOnPeerClose) socket.Close();
    }

    public void OnClosed(TcpSocket socket, TcpCloseReason reason)
    {
        CloseReason = reason;
        Events.Add($"closed:{reason}");
    }

    public ITcpSocketHandler OnAccept(TcpSocket socket)
    {
        Accepted.Add(socket);
        return this;
    }
}
