using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Addressing;
using NetSim.Engine.Nics;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Tunnels;

/// <summary>
/// IPsec ESP in tunnel mode through an xfrm interface (ip link add xfrm0 type xfrm): what is routed to the device
/// goes through xfrm_output and esp_output with rfc4106(gcm(aes)), under an outer IPv4 header (protocol 50) to the
/// route's next hop (the peer node), so its MTU is the underlay's less <see cref="MtuOverhead"/>. Unlike WireGuard the
/// crypto runs inline on the sending CPU (synchronous AES-NI in softirq or process context), and a GSO packet is cut
/// into MTU-sized packets first (xfrm_output_gso: skb_gso_segment, <c>gso.segment</c> per segment), each encrypted
/// (<c>checksum.software</c> for the inner checksum the NIC can no longer fill in, then <c>esp.encrypt</c>: fixed per packet, per byte of plaintext). Receive: ESP packets (protocol 50) for the local
/// address go to <see cref="EspInput"/> (xfrm4_rcv, esp_input: <c>esp.decrypt</c> on the receiving CPU), whose inner
/// packet is queued on the device's gro_cells (<see cref="GroCells"/>), which GRO-merges decrypted segments into the
/// device's receive path (GRO cannot see inside ESP before that).
/// Security associations are implicit: one per peer, keyed by the outer addresses; no IKE, no rekeying.
/// </summary>
public sealed class EspTunnelDevice : NetDevice
{
    /// <summary>The bytes the MTU loses (Cilium's EncryptionIPsecOverhead, pkg/mtu: outer IP 20, SPI 4, sequence 4, next header 1, ICV 16, padding 16, 128-bit auth 16).</summary>
    public const int MtuOverhead = 77;

    private Packet[] _segments = new Packet[64];
    private uint _sequence;

    public EspTunnelDevice(NetworkNamespace ns, string name, NetDevice underlay, Ipv4Address local, uint spi = 3, int? mtu = null)
        : base(ns, name, mtu ?? underlay.Mtu - MtuOverhead, MacAddress.Zero)
    {
        LocalAddress = local;
        Spi = spi;
        UnderlayNamespace = ns;
        Input = new EspInput(this);
        GroCell = new GroCells(this);
        ns.Node.Holders.Add(GroCell);
        ns.RegisterProtocol(Ipv4Header.ProtocolEsp, Input);
    }

    public override bool HasL2 => false;
    public Ipv4Address LocalAddress { get; }
    /// <summary>The security parameter index of the outbound SAs (Cilium numbers its keys from 1; 3 after two rotations).</summary>
    public uint Spi { get; }
    public NetworkNamespace UnderlayNamespace { get; }
    internal EspInput Input { get; }
    internal GroCells GroCell { get; }

    /// <summary>xfrm_output: a GSO packet segmented in software, then esp_output per packet.</summary>
    protected override void Xmit(Packet p, long pendingPs)
    {
        if (p.TopKind != HeaderKind.Ipv4)
        {
            ChargeAndDrop(p, pendingPs, DropReason.NotForThisHost);
            return;
        }
        Ipv4Address remote = Namespace.LookupRoute(p.Ipv4.Destination)?.NextHop(p.Ipv4.Destination) ?? p.Ipv4.Destination;
        if (p.SegmentCount <= 1)
        {
            p.GsoSize = 0;
            Encrypt(p, pendingPs, remote, p.Trace is null ? null : $"xfrm_output: esp_output (rfc4106(gcm(aes))) → {remote}");
            return;
        }
        int n = GsoSegmenter.Segment(p, ref _segments);
        for (int i = 0; i < n; i++)
        {
            Packet s = _segments[i];
            _segments[i] = null!;
            long ps = (i == 0 ? pendingPs : 0) + Costs.GsoSegment.For(s.Length);
            Encrypt(s, ps, remote, s.Trace is null ? null : $"xfrm_output_gso: skb_gso_segment into {n}, esp_output (rfc4106(gcm(aes))) → {remote}");
        }
    }

    /// <summary>esp_output: ESP header, trailer and tag over the plaintext, the outer header, then the underlay's ip_local_out.</summary>
    private void Encrypt(Packet p, long ps, Ipv4Address remote, string? action)
    {
        // CHECKSUM_PARTIAL cannot reach the NIC inside ciphertext: skb_checksum_help (or the segmenting copy) computes it first.
        if (p.ChecksumOffloaded) ps += Costs.ChecksumSoftware.For(p.Length);
        ps += Costs.EspEncrypt.For(p.Length);
        Ipv4Header inner = p.Ipv4;
        ref EspHeader esp = ref p.PushEsp();
        esp.Spi = Spi;
        esp.SequenceNumber = ++_sequence;
        ref Ipv4Header ip = ref p.PushIpv4();
        ip.Source = LocalAddress;
        ip.Destination = remote;
        ip.Protocol = Ipv4Header.ProtocolEsp;
        ip.Ttl = 64;
        ip.DontFragment = inner.DontFragment;
        ip.Ecn = TunnelEcn.Encapsulate(inner.Ecn);
        p.ChecksumOffloaded = false;
        Scrub(p, UnderlayNamespace != Namespace);
        WorkPs(p, ps, UnderlayNamespace.LocalOut, action);
    }
}
