using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Nics;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Tunnels;

/// <summary>
/// IPsec ESP in transport mode between node addresses, as Weave Net's encrypted fast datapath sets it up (docs
/// fastdp-crypto.md: rfc4106(gcm(aes)) security associations per direction, an xfrm policy matching the VXLAN
/// packets by the mark Weave's mangle rules set): ESP goes between the outer IPv4 header and its UDP, no second IP
/// header, 34-37 bytes per packet (SPI, sequence, IV, pad to 4, pad length, next header, 16-byte ICV). Output:
/// a GSO packet is segmented first (<c>gso.segment</c>), each packet's checksum computed in software where it was
/// left to the NIC (<c>checksum.software</c>), then encrypted (<c>esp.encrypt</c>) and sent on through ip_local_out.
/// Input (protocol 50 for this node): decrypted (<c>esp.decrypt</c>), the ESP header removed and the packet given back
/// to ip_local_deliver (xfrm4_transport_finish), where the UDP socket of the tunnel takes it. esp_input marks the
/// plaintext CHECKSUM_NONE (the NIC saw only ciphertext), so its inner checksum is verified in software
/// (<c>checksum.software</c> per byte).
/// </summary>
public sealed class EspTransport
{
    public EspTransport(NetworkNamespace ns, uint spi = 1)
    {
        Namespace = ns;
        Spi = spi;
        Output = new EspTransportOutput(this);
        Input = new EspTransportInput(this);
        ns.RegisterProtocol(Ipv4Header.ProtocolEsp, Input);
    }

    public NetworkNamespace Namespace { get; }
    public uint Spi { get; }
    /// <summary>What the xfrm policy sends the selected packets through (give it to a tunnel's Output).</summary>
    public EspTransportOutput Output { get; }
    internal EspTransportInput Input { get; }
    internal uint Sequence { get; set; }

    /// <summary>Bytes ESP adds to an IP packet of <paramref name="ipBytes"/> in transport mode.</summary>
    public static int Overhead(int ipBytes) => EspHeader.HeaderSize + EspHeader.TrailerFor(ipBytes - Ipv4Header.Size);
}

/// <summary>xfrm_output in transport mode: ESP inserted after the IPv4 header, AES-GCM over the rest.</summary>
public sealed class EspTransportOutput : NamespaceElement
{
    private readonly EspTransport _esp;
    private Packet[] _segments = new Packet[64];

    internal EspTransportOutput(EspTransport esp) : base(esp.Namespace, "xfrm_output(esp transport)") => _esp = esp;

    public override void Receive(Packet packet)
    {
        Packet p = packet;
        if (p.TopKind != HeaderKind.Ipv4)
        {
            ChargeAndDrop(p, 0, DropReason.NotForThisHost);
            return;
        }
        if (p.SegmentCount <= 1)
        {
            p.GsoSize = 0;
            Encrypt(p, 0);
            return;
        }
        int n = GsoSegmenter.Segment(p, ref _segments);
        for (int i = 0; i < n; i++)
        {
            Packet s = _segments[i];
            _segments[i] = null!;
            Encrypt(s, Costs.GsoSegment.For(s.Length));
        }
    }

    private void Encrypt(Packet p, long ps)
    {
        if (p.ChecksumOffloaded) ps += Costs.ChecksumSoftware.For(p.Length);
        ps += Costs.EspEncrypt.For(p.Length);
        Ipv4Header outer = p.Ipv4;
        p.Pop(HeaderKind.Ipv4);
        ref EspHeader esp = ref p.PushEsp();
        esp.Spi = _esp.Spi;
        esp.SequenceNumber = ++_esp.Sequence;
        ref Ipv4Header ip = ref p.PushIpv4();
        ip = outer;
        ip.Protocol = Ipv4Header.ProtocolEsp;
        p.ChecksumOffloaded = false;
        WorkPs(p, ps, Namespace.LocalOut, p.Trace is null ? null : $"esp_output (transport, rfc4106(gcm(aes))) → {outer.Destination}");
    }
}

/// <summary>xfrm4_rcv → esp_input → xfrm4_transport_finish: the packet decrypted and handed back to local delivery.</summary>
internal sealed class EspTransportInput : NamespaceElement
{
    public EspTransportInput(EspTransport esp) : base(esp.Namespace, "xfrm4_rcv(esp transport)") { }

    public override void Receive(Packet packet)
    {
        Packet p = packet;
        long ps = Costs.EspDecrypt.For(p.Length);
        int ip = p.LayerCount - 1;
        if (ip < 2 || p.Layer(ip - 1).Kind != HeaderKind.Esp)
        {
            ChargeAndDrop(p, ps, DropReason.NotForThisHost);
            return;
        }
        Ipv4Header outer = p.Ipv4;
        p.Pop(HeaderKind.Ipv4);
        p.Pop(HeaderKind.Esp);
        ps += Costs.ChecksumSoftware.For(p.Length); // esp_input leaves the plaintext CHECKSUM_NONE: its checksum is verified in software
        ref Ipv4Header h = ref p.PushIpv4();
        h = outer;
        h.Protocol = ProtocolNumbers.IpProtocolOf(p.Layer(p.LayerCount - 2).Kind);
        WorkPs(p, ps, Namespace.LocalDeliver, p.Trace is null ? null : $"esp_input (transport) ← {outer.Source}, xfrm4_transport_finish");
    }
}
