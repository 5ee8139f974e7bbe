namespace NetSim.Datapaths.Tunnels;

/// <summary>
/// A FIFO of packet bundles with WireGuard's bound, MAX_QUEUED_PACKETS (1024) entries: the device's crypt rings
/// (mpmc_ring_produce fails when full) and each peer's ordered queues (wg_prev_queue_enqueue refuses the 1025th).
/// Its storage grows on demand up to the bound, so a node with many peers does not reserve it for each.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "WireGuard calls them queues (prev_queue, crypt_queue).")]
public sealed class WireGuardBundleQueue
{
    /// <summary>MAX_QUEUED_PACKETS in drivers/net/wireguard/messages.h.</summary>
    public const int MaxQueuedPackets = 1024;

    private WireGuardPacketBundle?[] _ring = new WireGuardPacketBundle?[4];
    private int _head;

    public int Count { get; private set; }
    /// <summary>Bundles refused because the queue was full.</summary>
    public long Refused { get; private set; }

    public bool TryEnqueue(WireGuardPacketBundle bundle)
    {
        if (Count == MaxQueuedPackets)
        {
            Refused++;
            return false;
        }
        if (Count == _ring.Length) Grow();
        _ring[(_head + Count) % _ring.Length] = bundle;
        Count++;
        return true;
    }

    /// <summary>The oldest bundle, or null when empty.</summary>
    public WireGuardPacketBundle? Peek() => Count == 0 ? null : _ring[_head];

    public WireGuardPacketBundle Dequeue()
    {
        if (Count == 0) throw new InvalidOperationException("dequeue from an empty WireGuard queue");
        WireGuardPacketBundle b = _ring[_head]!;
        _ring[_head] = null;
        _head = (_head + 1) % _ring.Length;
        Count--;
        return b;
    }

    private void Grow()
    {
        var bigger = new WireGuardPacketBundle?[Math.Min(_ring.Length * 2, MaxQueuedPackets)];
        for (int i = 0; i < Count; i++) bigger[i] = _ring[(_head + i) % _ring.Length];
        _ring = bigger;
        _head = 0;
    }
}
