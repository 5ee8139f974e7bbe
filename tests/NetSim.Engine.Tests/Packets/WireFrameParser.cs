using System.Buffers.Binary;
using NetSim.Engine.Packets;

namespace NetSim.Engine.Tests.Packets;

/// <summary>
/// An independent reading of serialized bytes, the way a receiver parses them: walks the headers by their own
/// type fields, checks every length field against the bytes present and every checksum, and lists what it found
/// (e.g. "eth ipv4 udp(nocsum) vxlan eth ipv4 tcp"). Any inconsistency throws.
/// </summary>
internal static class WireFrameParser
{
    public static string Parse(ReadOnlySpan<byte> frame)
    {
        var found = new List<string>();
        Ethernet(frame, found);
        return string.Join(' ', found);
    }

    private static void Ethernet(ReadOnlySpan<byte> s, List<string> found)
    {
        int at = 12;
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(s[at..]);
        if (type == EthernetHeader.EtherTypeVlan)
        {
            found.Add($"eth.vlan{BinaryPrimitives.ReadUInt16BigEndian(s[14..]) & 0xFFF}");
            at = 16;
            type = BinaryPrimitives.ReadUInt16BigEndian(s[at..]);
        }
        else found.Add("eth");
        if (type != EthernetHeader.EtherTypeIpv4) throw new InvalidDataException($"EtherType 0x{type:x4}");
        Ipv4(s[(at + 2)..], found);
    }

    public static void Ipv4(ReadOnlySpan<byte> s, List<string> found)
    {
        if (s[0] != 0x45) throw new InvalidDataException($"IPv4 version/IHL 0x{s[0]:x2}");
        if (!InternetChecksum.Verify(s[..20])) throw new InvalidDataException("bad IPv4 header checksum");
        int total = BinaryPrimitives.ReadUInt16BigEndian(s[2..]);
        if (total != s.Length) throw new InvalidDataException($"IPv4 total length {total}, {s.Length} bytes present");
        found.Add("ipv4");
        ReadOnlySpan<byte> body = s[20..];
        switch (s[9])
        {
            case Ipv4Header.ProtocolTcp: Tcp(s, body, found); break;
            case Ipv4Header.ProtocolUdp: Udp(s, body, found); break;
            case Ipv4Header.ProtocolIcmp:
                if (!InternetChecksum.Verify(body)) throw new InvalidDataException("bad ICMP checksum");
                found.Add("icmp");
                break;
            case Ipv4Header.ProtocolIpip: Ipv4(body, found); break;
            case Ipv4Header.ProtocolGre:
                found.Add("gre");
                if (BinaryPrimitives.ReadUInt16BigEndian(body[2..]) != EthernetHeader.EtherTypeIpv4) throw new InvalidDataException("GRE protocol");
                Ipv4(body[4..], found);
                break;
            case Ipv4Header.ProtocolEsp: found.Add("esp"); break;
            default: throw new InvalidDataException($"IP protocol {s[9]}");
        }
    }

    private static void Tcp(ReadOnlySpan<byte> ip, ReadOnlySpan<byte> seg, List<string> found)
    {
        if (!Verifies(seg, PseudoSum(ip, seg.Length))) throw new InvalidDataException("bad TCP checksum");
        found.Add("tcp");
    }

    private static void Udp(ReadOnlySpan<byte> ip, ReadOnlySpan<byte> dgram, List<string> found)
    {
        int length = BinaryPrimitives.ReadUInt16BigEndian(dgram[4..]);
        if (length != dgram.Length) throw new InvalidDataException($"UDP length {length}, {dgram.Length} bytes present");
        bool hasChecksum = BinaryPrimitives.ReadUInt16BigEndian(dgram[6..]) != 0;
        if (hasChecksum && !Verifies(dgram, PseudoSum(ip, dgram.Length))) throw new InvalidDataException("bad UDP checksum");
        found.Add(hasChecksum ? "udp" : "udp(nocsum)");
        switch (BinaryPrimitives.ReadUInt16BigEndian(dgram[2..]))
        {
            case TestPackets.VxlanPort:
                if (dgram[8] != 0x08) throw new InvalidDataException("VXLAN flags");
                found.Add("vxlan");
                Ethernet(dgram[16..], found);
                break;
            case TestPackets.GenevePort:
                int options = 4 * (dgram[8] & 0x3F);
                found.Add($"geneve+{options}");
                Ethernet(dgram[(16 + options)..], found);
                break;
            case TestPackets.WireGuardPort:
                found.Add("wireguard");
                break;
        }
    }

    private static uint PseudoSum(ReadOnlySpan<byte> ip, int l4Length)
    {
        uint sum = InternetChecksum.Add(0, ip.Slice(12, 8));
        sum = InternetChecksum.AddWord(sum, ip[9]);
        return InternetChecksum.AddWord(sum, (ushort)l4Length);
    }

    private static bool Verifies(ReadOnlySpan<byte> data, uint pseudoHeader) => InternetChecksum.Add(pseudoHeader, data) == 0xFFFF;
}
