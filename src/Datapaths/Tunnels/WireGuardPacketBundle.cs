using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Tunnels;

/// <summary>
/// One entry of WireGuard's queues (an skb list in Linux): on transmit, the packets one wg_xmit made of one packet
/// (the segments of a GSO packet), encrypted by one worker and sent in order; on receive, one data message. It
/// carries its peer, its state, the nonce of its first packet and when it was queued, and on receive where it came
/// from. Pooled by its device, so nothing is allocated per packet once warm.
/// </summary>
public sealed class WireGuardPacketBundle
{
    private Packet?[] _packets = new Packet?[4];

    public int Count { get; private set; }
    public Packet this[int index] => _packets[index]!;

    public WireGuardPeer Peer { get; set; } = null!;
    public WireGuardPacketState State { get; set; }
    /// <summary>The nonce (counter) of the first packet; the others follow it.</summary>
    public ulong FirstNonce { get; set; }
    /// <summary>When the work that queued it (wg_xmit, wg_receive) ends: no worker takes it earlier.</summary>
    public long ReadyAt { get; set; }
    /// <summary>When its worker finished it: the serial stage's wait starts here.</summary>
    public long CryptedAt { get; set; }
    /// <summary>Receive: the outer source (the peer's endpoint as seen) and the outer ECN codepoint.</summary>
    public Ipv4Address FromAddress { get; set; }
    public ushort FromPort { get; set; }
    public EcnCodepoint OuterEcn { get; set; }

    public void Add(Packet p)
    {
        if (Count == _packets.Length) Array.Resize(ref _packets, Count * 2);
        _packets[Count++] = p;
    }

    /// <summary>Forgets its packets and fields, for reuse.</summary>
    public void Clear()
    {
        Array.Clear(_packets, 0, Count);
        Count = 0;
        Peer = null!;
        State = WireGuardPacketState.Uncrypted;
        FirstNonce = 0;
        ReadyAt = CryptedAt = 0;
        FromAddress = default;
        FromPort = 0;
        OuterEcn = EcnCodepoint.NotEct;
    }
}
