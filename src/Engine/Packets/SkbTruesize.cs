namespace NetSim.Engine.Packets;

/// <summary>
/// What one packet costs a socket's buffer (skb->truesize, include/linux/skbuff.h SKB_TRUESIZE): the data area,
/// allocated from kmalloc's power-of-two caches with room for the headers the stack pushes (LL_MAX_HEADER and
/// NET_SKB_PAD, 128 bytes on x86-64), plus struct sk_buff and struct skb_shared_info, each cache-line aligned
/// (256 + 320 bytes on x86-64 Linux 5-6). So a 1472-byte UDP datagram costs 2,624 bytes and the default
/// 212,992-byte send buffer holds 81 of them.
/// </summary>
public static class SkbTruesize
{
    /// <summary>NET_SKB_PAD + LL_MAX_HEADER reserved in front of the data on x86-64.</summary>
    public const int Headroom = 128;
    /// <summary>SKB_DATA_ALIGN(sizeof(struct sk_buff)) + SKB_DATA_ALIGN(sizeof(struct skb_shared_info)) on x86-64.</summary>
    public const int Overhead = 256 + 320;

    /// <summary>The truesize of a packet whose linear data (headers and payload) is <paramref name="dataBytes"/>.</summary>
    public static int For(int dataBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dataBytes);
        uint area = System.Numerics.BitOperations.RoundUpToPowerOf2((uint)(dataBytes + Headroom));
        return (int)area + Overhead;
    }
}
