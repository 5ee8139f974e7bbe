namespace NetSim.Engine.Packets;

/// <summary>
/// A socket that owns the memory of packets it sent (skb->sk with sock_wfree as the destructor): the packet's
/// <see cref="Packet.Truesize"/> counts against the socket's send buffer (sk_wmem_alloc) until the packet is
/// orphaned: freed, sent by the NIC (TX completion), or received by IP in another namespace (ip_rcv's skb_orphan).
/// </summary>
public interface ISkbOwner
{
    /// <summary>sock_wfree: <paramref name="truesize"/> bytes of this socket's packets are no longer in the host.</summary>
    void Free(int truesize);
}
