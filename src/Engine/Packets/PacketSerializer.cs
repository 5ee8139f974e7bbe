using System.Buffers.Binary;
using NetSim.Engine.Addressing;

namespace NetSim.Engine.Packets;

/// <summary>
/// Writes a packet's header stack as real wire bytes, outermost header first, with correct lengths and checksums.
/// Only a pcap tap or a checksum check needs bytes; the per-packet path works on the header structs and never
/// calls this. Conventions:
/// <list type="bullet">
/// <item>Application payload is zeros, so a capture is deterministic and reveals nothing.</item>
/// <item>A zero EtherType, IPv4 protocol or GRE/Geneve protocol type is filled in from the header inside it.</item>
/// <item>Checksums are always correct on the wire (what the peer sees after any offload), whatever
/// <see cref="Packet.ChecksumOffloaded"/> says.</item>
/// <item>A UDP checksum is written as the sender chose (<see cref="UdpHeader.ZeroChecksum"/>): zero for a tunnel
/// device made with noudpcsum (Weave's fast datapath and Cilium send zero), otherwise computed, as Linux does for a
/// VXLAN or Geneve device since 4.6 (udpcsum: Flannel and Calico) and for every socket's datagram (WireGuard, sleeve).</item>
/// <item>WireGuard's encrypted content (the inner packet) is zeros followed by a zero 16-byte tag.</item>
/// <item>ESP is written as if the cipher were the identity (ENCR_NULL-like): inner packet in clear, padding
/// 1, 2, 3, ..., pad length, next header, a zero ICV; the 8-byte IV is the 64-bit sequence number (seqiv).</item>
/// <item>An IPv4 total length or UDP length above 65535 (a GSO super-packet) is written as 0, as for BIG TCP.</item>
/// </list>
/// </summary>
public static class PacketSerializer
{
    private const byte TcpOptionEnd = 0, TcpOptionNop = 1, TcpOptionMss = 2, TcpOptionWindowScale = 3;
    private const byte TcpOptionSackPermitted = 4, TcpOptionSack = 5, TcpOptionTimestamps = 8;
    private const byte VxlanFlagValidVni = 0x08;
    private const byte WireGuardTransportData = 4;

    /// <summary>Writes the whole packet into <paramref name="destination"/> and returns the bytes written (= <see cref="Packet.Length"/>).</summary>
    public static int Write(Packet packet, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(packet);
        return WriteFrom(packet, packet.LayerCount - 1, destination);
    }

    /// <summary>
    /// Writes the packet from layer <paramref name="outermostLayer"/> inwards (e.g. without the outer Ethernet for a
    /// raw-IP capture) and returns the bytes written (= <see cref="Packet.LengthFrom"/> of that layer).
    /// </summary>
    public static int WriteFrom(Packet packet, int outermostLayer, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(packet);
        if (outermostLayer < -1 || outermostLayer >= packet.LayerCount)
            throw new ArgumentOutOfRangeException(nameof(outermostLayer), outermostLayer, $"packet {packet.Id} has {packet.LayerCount} layers");

        // total[i] = bytes from layer i inwards; start[i] = where layer i begins in the frame.
        Span<int> total = stackalloc int[Packet.MaxLayers];
        Span<int> start = stackalloc int[Packet.MaxLayers];
        for (int i = 0; i <= outermostLayer; i++) total[i] = packet.LengthFrom(i);
        int length = outermostLayer >= 0 ? total[outermostLayer] : packet.PayloadLength;
        if (destination.Length < length)
            throw new ArgumentException($"packet {packet.Id} needs {length} bytes, the buffer has {destination.Length}", nameof(destination));

        Span<byte> frame = destination[..length];
        frame.Clear();
        int innermostWritten = 0;
        int offset = 0;
        for (int i = outermostLayer; i >= 0; i--)
        {
            start[i] = offset;
            int inner = i == 0 ? packet.PayloadLength : total[i - 1];
            ref HeaderLayer layer = ref packet.Layer(i);
            int headerSize = layer.Kind == HeaderKind.Esp ? EspHeader.HeaderSize : total[i] - inner;
            WriteHeader(packet, i, frame.Slice(offset, total[i]), inner);
            offset += headerSize;
            innermostWritten = i;
            // Everything inside WireGuard is ciphertext: leave it as zeros.
            if (layer.Kind == HeaderKind.WireGuard) break;
        }

        // Inner checksums first: an outer UDP checksum covers the inner headers' checksums.
        for (int i = innermostWritten; i <= outermostLayer; i++)
            WriteChecksum(packet, i, frame[start[i]..], total[i], outermostLayer);
        return length;
    }

    private static void WriteHeader(Packet packet, int i, Span<byte> span, int innerBytes)
    {
        ref HeaderLayer layer = ref packet.Layer(i);
        HeaderKind inside = i > 0 ? packet.Layer(i - 1).Kind : HeaderKind.None;
        switch (layer.Kind)
        {
            case HeaderKind.Ethernet: WriteEthernet(in layer.Ethernet, inside, span); break;
            case HeaderKind.Ipv4: WriteIpv4(in layer.Ipv4, inside, span, span.Length); break;
            case HeaderKind.Tcp: WriteTcp(in layer.Tcp, span); break;
            case HeaderKind.Udp: WriteUdp(in layer.Udp, span); break;
            case HeaderKind.Icmp: WriteIcmp(in layer.Icmp, span); break;
            case HeaderKind.Vxlan: WriteVxlan(in layer.Vxlan, span); break;
            case HeaderKind.Geneve: WriteGeneve(in layer.Geneve, inside, span); break;
            case HeaderKind.Gre: WriteGre(in layer.Gre, inside, span); break;
            case HeaderKind.WireGuard: WriteWireGuard(in layer.WireGuard, span); break;
            case HeaderKind.Esp: WriteEsp(in layer.Esp, inside, span, innerBytes); break;
            case HeaderKind.Sctp: WriteSctp(in layer.Sctp, span); break;
            case HeaderKind.WeaveSleeve: span[..layer.WeaveSleeve.Length].Clear(); break; // peer names and lengths: not decoded by pcap readers
            default: throw new InvalidOperationException($"packet {packet.Id}: cannot serialize a {layer.Kind} header");
        }
    }

    private static void WriteEthernet(in EthernetHeader h, HeaderKind inside, Span<byte> s)
    {
        WriteMac(s, h.Destination);
        WriteMac(s[6..], h.Source);
        int at = 12;
        if (h.VlanId != 0)
        {
            BinaryPrimitives.WriteUInt16BigEndian(s[12..], EthernetHeader.EtherTypeVlan);
            // TCI: 3-bit priority (802.1p PCP), DEI 0, 12-bit VLAN id.
            BinaryPrimitives.WriteUInt16BigEndian(s[14..], (ushort)(((h.VlanPriority & 0x7) << 13) | (h.VlanId & 0x0FFF)));
            at = 16;
        }
        BinaryPrimitives.WriteUInt16BigEndian(s[at..], h.EtherType != 0 ? h.EtherType : ProtocolNumbers.EtherTypeOf(inside));
    }

    private static void WriteIpv4(in Ipv4Header h, HeaderKind inside, Span<byte> s, int totalLength)
    {
        s[0] = 0x45; // version 4, IHL 5 words (no options)
        s[1] = (byte)((h.Dscp << 2) | ((byte)h.Ecn & 0x3));
        BinaryPrimitives.WriteUInt16BigEndian(s[2..], WireLength(totalLength));
        BinaryPrimitives.WriteUInt16BigEndian(s[4..], h.Identification);
        int flagsAndOffset = (h.DontFragment ? 0x4000 : 0) | (h.MoreFragments ? 0x2000 : 0) | ((h.FragmentOffset >> 3) & 0x1FFF);
        BinaryPrimitives.WriteUInt16BigEndian(s[6..], (ushort)flagsAndOffset);
        s[8] = h.Ttl;
        s[9] = h.Protocol != 0 ? h.Protocol : ProtocolNumbers.IpProtocolOf(inside);
        BinaryPrimitives.WriteUInt32BigEndian(s[12..], h.Source.Value);
        BinaryPrimitives.WriteUInt32BigEndian(s[16..], h.Destination.Value);
    }

    private static void WriteTcp(in TcpHeader h, Span<byte> s)
    {
        BinaryPrimitives.WriteUInt16BigEndian(s, h.SourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(s[2..], h.DestinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(s[4..], h.SequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(s[8..], h.AcknowledgmentNumber);
        s[12] = (byte)((h.Length / 4) << 4);
        s[13] = (byte)h.Flags;
        BinaryPrimitives.WriteUInt16BigEndian(s[14..], h.Window);
        int end = WriteTcpOptions(in h, s);
        if (end != h.Length) throw new InvalidOperationException($"TCP options took {end - TcpHeader.BaseSize} bytes, the header says {h.OptionBytes}");
    }

    /// <summary>Options in tcp_options_write order: MSS, SACK-permitted + timestamps, window scale, SACK blocks.</summary>
    private static int WriteTcpOptions(in TcpHeader h, Span<byte> s)
    {
        int o = TcpHeader.BaseSize;
        if (h.MaxSegmentSize != 0)
        {
            o = Put(s, o, TcpOptionMss, 4);
            BinaryPrimitives.WriteUInt16BigEndian(s[o..], h.MaxSegmentSize);
            o += 2;
        }
        if (h.HasTimestamps)
        {
            // On a SYN, SACK-permitted takes the two bytes the timestamps would pad with NOPs.
            o = h.SackPermitted ? Put(s, o, TcpOptionSackPermitted, 2) : Put(s, o, TcpOptionNop, TcpOptionNop);
            o = Put(s, o, TcpOptionTimestamps, 10);
            BinaryPrimitives.WriteUInt32BigEndian(s[o..], h.TimestampValue);
            BinaryPrimitives.WriteUInt32BigEndian(s[(o + 4)..], h.TimestampEcho);
            o += 8;
        }
        else if (h.SackPermitted)
        {
            o = Put(s, o, TcpOptionNop, TcpOptionNop);
            o = Put(s, o, TcpOptionSackPermitted, 2);
        }
        if (h.HasWindowScale)
        {
            s[o++] = TcpOptionNop;
            s[o++] = TcpOptionWindowScale;
            o = Put(s, o, 3, h.WindowScale);
        }
        int blocks = h.SackBlocksOnWire;
        if (blocks > 0)
        {
            o = Put(s, o, TcpOptionNop, TcpOptionNop);
            o = Put(s, o, TcpOptionSack, (byte)(2 + 8 * blocks));
            for (int b = 0; b < blocks; b++)
            {
                BinaryPrimitives.WriteUInt32BigEndian(s[o..], h.Sack[b].Left);
                BinaryPrimitives.WriteUInt32BigEndian(s[(o + 4)..], h.Sack[b].Right);
                o += 8;
            }
        }
        // Linux never needs end-of-list padding: every option above is already 4-byte aligned.
        while ((o & 3) != 0) s[o++] = TcpOptionEnd;
        return o;
    }

    private static void WriteUdp(in UdpHeader h, Span<byte> s)
    {
        BinaryPrimitives.WriteUInt16BigEndian(s, h.SourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(s[2..], h.DestinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(s[4..], WireLength(s.Length));
    }

    /// <summary>RFC 9260 §3.1 and §3.3.2: common header, then the INIT/INIT ACK chunk (its length covers the parameters in the payload).</summary>
    private static void WriteSctp(in SctpHeader h, Span<byte> s)
    {
        BinaryPrimitives.WriteUInt16BigEndian(s, h.SourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(s[2..], h.DestinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(s[4..], h.VerificationTag);
        s[12] = h.ChunkType;
        s[13] = h.ChunkFlags;
        BinaryPrimitives.WriteUInt16BigEndian(s[14..], WireLength(s.Length - SctpHeader.CommonHeaderSize));
        BinaryPrimitives.WriteUInt32BigEndian(s[16..], h.InitiateTag);
        BinaryPrimitives.WriteUInt32BigEndian(s[20..], h.ReceiverWindow);
        BinaryPrimitives.WriteUInt16BigEndian(s[24..], h.OutboundStreams);
        BinaryPrimitives.WriteUInt16BigEndian(s[26..], h.InboundStreams);
        BinaryPrimitives.WriteUInt32BigEndian(s[28..], h.InitialTsn);
    }

    private static void WriteIcmp(in IcmpHeader h, Span<byte> s)
    {
        s[0] = h.Type;
        s[1] = h.Code;
        if (h.Type is IcmpHeader.EchoRequest or IcmpHeader.EchoReply)
        {
            BinaryPrimitives.WriteUInt16BigEndian(s[4..], h.Identifier);
            BinaryPrimitives.WriteUInt16BigEndian(s[6..], h.SequenceNumber);
        }
        else if (h.Type == IcmpHeader.DestinationUnreachable && h.Code == IcmpHeader.CodeFragmentationNeeded)
        {
            // RFC 1191: 16 unused bits, then the next-hop MTU.
            BinaryPrimitives.WriteUInt16BigEndian(s[6..], h.NextHopMtu);
        }
    }

    private static void WriteVxlan(in VxlanHeader h, Span<byte> s)
    {
        s[0] = VxlanFlagValidVni;
        WriteVni(s[4..], h.Vni);
    }

    private static void WriteGeneve(in GeneveHeader h, HeaderKind inside, Span<byte> s)
    {
        s[0] = (byte)(h.OptionWords & 0x3F); // version 0 in the top two bits
        ushort protocol = h.ProtocolType != 0 ? h.ProtocolType : ProtocolNumbers.EtherTypeOf(inside);
        BinaryPrimitives.WriteUInt16BigEndian(s[2..], protocol);
        WriteVni(s[4..], h.Vni);
    }

    private static void WriteGre(in GreHeader h, HeaderKind inside, Span<byte> s) =>
        BinaryPrimitives.WriteUInt16BigEndian(s[2..], h.ProtocolType != 0 ? h.ProtocolType : ProtocolNumbers.EtherTypeOf(inside));

    private static void WriteWireGuard(in WireGuardHeader h, Span<byte> s)
    {
        // WireGuard's message fields are little-endian.
        s[0] = WireGuardTransportData;
        BinaryPrimitives.WriteUInt32LittleEndian(s[4..], h.ReceiverIndex);
        BinaryPrimitives.WriteUInt64LittleEndian(s[8..], h.Counter);
    }

    private static void WriteEsp(in EspHeader h, HeaderKind inside, Span<byte> s, int innerBytes)
    {
        BinaryPrimitives.WriteUInt32BigEndian(s, h.Spi);
        BinaryPrimitives.WriteUInt32BigEndian(s[4..], h.SequenceNumber);
        BinaryPrimitives.WriteUInt64BigEndian(s[8..], h.SequenceNumber);
        int trailer = EspHeader.HeaderSize + innerBytes;
        int pad = EspHeader.TrailerFor(innerBytes) - 2 - EspHeader.IcvSize;
        for (int k = 0; k < pad; k++) s[trailer + k] = (byte)(k + 1);
        s[trailer + pad] = (byte)pad;
        byte next = ProtocolNumbers.IpProtocolOf(inside);
        s[trailer + pad + 1] = next != 0 ? next : ProtocolNumbers.IpProtocolNone;
    }

    private static void WriteChecksum(Packet packet, int i, Span<byte> s, int bytes, int outermostLayer)
    {
        HeaderKind kind = packet.Layer(i).Kind;
        switch (kind)
        {
            case HeaderKind.Ipv4:
                BinaryPrimitives.WriteUInt16BigEndian(s[10..], InternetChecksum.Compute(s[..Ipv4Header.Size]));
                break;
            case HeaderKind.Icmp:
                BinaryPrimitives.WriteUInt16BigEndian(s[2..], InternetChecksum.Compute(s[..bytes]));
                break;
            case HeaderKind.Tcp:
                WriteL4Checksum(packet, i, s[..bytes], 16, Ipv4Header.ProtocolTcp, outermostLayer, zeroMeansNone: false);
                break;
            case HeaderKind.Sctp:
                BinaryPrimitives.WriteUInt32LittleEndian(s[8..], SctpChecksum.Compute(s[..bytes]));
                break;
            case HeaderKind.Udp:
                // RFC 768 / RFC 7348: zero means the sender computed none (a tunnel device with noudpcsum).
                if (packet.Layer(i).Udp.ZeroChecksum) break;
                WriteL4Checksum(packet, i, s[..bytes], 6, Ipv4Header.ProtocolUdp, outermostLayer, zeroMeansNone: true);
                break;
        }
    }

    /// <summary>TCP/UDP checksum over the IPv4 pseudo-header of the enclosing IPv4 header and the whole segment.</summary>
    private static void WriteL4Checksum(Packet packet, int i, Span<byte> segment, int field, byte protocol, int outermostLayer, bool zeroMeansNone)
    {
        // Without an enclosing IPv4 header there is no pseudo-header: leave the checksum zero.
        if (i + 1 > outermostLayer || packet.Layer(i + 1).Kind != HeaderKind.Ipv4) return;
        ref Ipv4Header ip = ref packet.Layer(i + 1).Ipv4;
        uint sum = InternetChecksum.PseudoHeader(ip.Source, ip.Destination, protocol, segment.Length);
        ushort checksum = InternetChecksum.Finish(InternetChecksum.Add(sum, segment));
        // RFC 768: a computed UDP checksum of zero is sent as all ones (zero means "no checksum").
        if (zeroMeansNone && checksum == 0) checksum = 0xFFFF;
        BinaryPrimitives.WriteUInt16BigEndian(segment[field..], checksum);
    }

    private static int Put(Span<byte> s, int o, byte a, byte b)
    {
        s[o] = a;
        s[o + 1] = b;
        return o + 2;
    }

    private static void WriteMac(Span<byte> s, MacAddress mac)
    {
        ulong v = mac.Value;
        for (int k = 0; k < 6; k++) s[k] = (byte)(v >> (40 - 8 * k));
    }

    private static void WriteVni(Span<byte> s, uint vni)
    {
        s[0] = (byte)(vni >> 16);
        s[1] = (byte)(vni >> 8);
        s[2] = (byte)vni;
    }

    private static ushort WireLength(int length) => length > ushort.MaxValue ? (ushort)0 : (ushort)length;
}
