using NetSim.Engine.Packets;

namespace NetSim.Engine.Nics;

/// <summary>
/// What a NAPI poll asks of a received frame's header stack, read in one pass: the checksum state the NIC leaves
/// (<see cref="RxChecksum.NeedsSoftware(Packet, NicOffloads)"/>), udp_gro_receive's tunnel test
/// (<see cref="RxChecksum.TunnelGroAllowed(Packet, NicOffloads, bool)"/>) and GRO's candidate test
/// (<see cref="GroTable.IsCandidate(Packet)"/>) each walked the layers on their own, several walks per frame.
/// </summary>
/// <param name="Sealed">ESP or WireGuard inside: the headers within are ciphertext.</param>
/// <param name="Sleeve">A Weave sleeve datagram inside (its socket has no GRO).</param>
/// <param name="Fragment">Some IPv4 header is a fragment.</param>
/// <param name="Encapsulated">More than one IPv4 header: an encapsulated packet (VXLAN, Geneve, IPIP, GRE).</param>
/// <param name="UdpTunnel">The outermost UDP header carries VXLAN or Geneve and no ciphertext is inside (a UDP tunnel the NIC sees).</param>
/// <param name="ZeroChecksum">That tunnel's outer UDP checksum is zero (none sent).</param>
internal readonly record struct FrameLayers(bool Sealed, bool Sleeve, bool Fragment, bool Encapsulated, bool UdpTunnel, bool ZeroChecksum)
{
    /// <summary>One walk from the innermost layer out; the last UDP header seen is the outermost.</summary>
    public static FrameLayers Of(Packet frame)
    {
        bool sealedInside = false, sleeve = false, fragment = false, overTunnel = false, zero = false;
        int ipv4 = 0;
        HeaderKind below = HeaderKind.None;
        for (int i = 0; i < frame.LayerCount; i++)
        {
            ref HeaderLayer l = ref frame.Layer(i);
            switch (l.Kind)
            {
                case HeaderKind.Ipv4:
                    ipv4++;
                    fragment |= l.Ipv4.MoreFragments || l.Ipv4.FragmentOffset != 0;
                    break;
                case HeaderKind.Udp:
                    overTunnel = below is HeaderKind.Vxlan or HeaderKind.Geneve;
                    zero = l.Udp.ZeroChecksum;
                    break;
                case HeaderKind.Esp or HeaderKind.WireGuard:
                    sealedInside = true;
                    break;
                case HeaderKind.WeaveSleeve:
                    sleeve = true;
                    break;
            }
            below = l.Kind;
        }
        bool udpTunnel = !sealedInside && overTunnel;
        return new FrameLayers(sealedInside, sleeve, fragment, ipv4 > 1, udpTunnel, udpTunnel && zero);
    }
}
