using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Namespaces;

/// <summary>
/// ip_fragment: cuts an IPv4 datagram into fragments that fit <c>mtu</c>. Every fragment carries a copy of the
/// IPv4 header; the data after it is cut into multiples of 8 bytes with the offset and MF flag set. The first
/// fragment is the original packet (it keeps the inner headers, now covering only its share of the payload); the
/// others are new packets holding only the IPv4 header and their share of bytes. A fragment of a fragment keeps
/// its absolute offset, so reassembly works wherever it happens.
/// </summary>
public static class IpFragmenter
{
    /// <summary>
    /// Appends the fragments of <paramref name="p"/> (outermost header IPv4) to <paramref name="into"/>, the first
    /// being <paramref name="p"/> itself. False (nothing done) when the inner headers do not fit one fragment.
    /// </summary>
    public static bool Fragment(Packet p, int mtu, List<Packet> into)
    {
        int ipIndex = p.LayerCount - 1;
        ref Ipv4Header ip = ref p.Layer(ipIndex).Ipv4;
        int data = p.Ipv4Length - Ipv4Header.Size;
        int chunk = (mtu - Ipv4Header.Size) & ~7;
        int innerHeaders = p.LengthFrom(ipIndex - 1) - p.PayloadLength;
        if (chunk <= 0 || innerHeaders > chunk) return false;

        ushort offset = ip.FragmentOffset;
        bool lastHadMore = ip.MoreFragments;
        int count = (data + chunk - 1) / chunk;
        into.Add(p);
        for (int i = 1; i < count; i++)
        {
            Packet f = p.Pool.Rent();
            ref Ipv4Header fip = ref f.PushIpv4();
            fip = ip;
            fip.FragmentOffset = (ushort)(offset + i * chunk);
            fip.MoreFragments = i < count - 1 || lastHadMore;
            f.PayloadLength = i < count - 1 ? chunk : data - (count - 1) * chunk;
            CopyTags(p, f);
            into.Add(f);
        }
        p.PayloadLength -= data - chunk;
        ip.MoreFragments = true;
        return true;
    }

    private static void CopyTags(Packet from, Packet to)
    {
        to.FlowId = from.FlowId;
        to.CreatedAt = from.CreatedAt;
        to.Mark = from.Mark;
        to.Conntrack = from.Conntrack;
        to.Core = from.Core;
        to.IngressInterface = from.IngressInterface;
        to.Hash = from.Hash;
    }
}
