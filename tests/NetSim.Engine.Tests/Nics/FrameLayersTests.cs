using NetSim.Engine.Nics;
using NetSim.Engine.Packets;
using NetSim.Engine.Tests.Packets;

namespace NetSim.Engine.Tests.Nics;

/// <summary>
/// The one walk a NAPI poll makes over a received frame's headers answers what the checksum rule, udp_gro_receive's
/// tunnel test and GRO's candidate test each asked with a walk of its own: checked here against those questions put
/// layer by layer, for plain, tunnelled, encrypted and fragmented frames.
/// </summary>
public class FrameLayersTests
{
    private readonly PacketPool _pool = new();

    public static TheoryData<string> Shapes() => new(["tcp", "ack", "vxlan", "vxlan-zero", "geneve", "ipip", "gre", "esp", "wireguard", "esp-in-vxlan", "udp", "fragment", "fragment-in-vxlan"]);

    private Packet Build(string shape)
    {
        Packet p = shape == "udp" ? TestPackets.Udp(_pool, 500) : TestPackets.TcpData(_pool, shape == "ack" ? 0 : 1000);
        switch (shape)
        {
            case "vxlan": TestPackets.EncapVxlan(p); break;
            case "vxlan-zero": TestPackets.EncapVxlan(p); p.Udp.ZeroChecksum = true; break;
            case "geneve": TestPackets.EncapGeneve(p, 2); p.Udp.ZeroChecksum = true; break;
            case "ipip": TestPackets.EncapIpip(p); break;
            case "gre": TestPackets.EncapGre(p); break;
            case "esp": TestPackets.EncapEsp(p); break;
            case "wireguard": TestPackets.EncapWireGuard(p); break;
            case "esp-in-vxlan": TestPackets.EncapEsp(p); TestPackets.EncapVxlan(p); p.Udp.ZeroChecksum = true; break;
            case "fragment": p.Ipv4.MoreFragments = true; break;
            case "fragment-in-vxlan": p.Ipv4.FragmentOffset = 1480; TestPackets.EncapVxlan(p); break;
        }
        return p;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void One_walk_answers_what_each_walk_did(string shape)
    {
        Packet p = Build(shape);
        FrameLayers layers = FrameLayers.Of(p);
        bool sealedInside = Any(p, HeaderKind.Esp) || Any(p, HeaderKind.WireGuard);
        int udp = p.IndexOfOuter(HeaderKind.Udp);
        bool tunnel = !sealedInside && udp >= 1 && p.Layer(udp - 1).Kind is HeaderKind.Vxlan or HeaderKind.Geneve;
        Assert.Equal(sealedInside, layers.Sealed);
        Assert.Equal(Any(p, HeaderKind.WeaveSleeve), layers.Sleeve);
        Assert.Equal(p.IndexOfOuter(HeaderKind.Ipv4) != p.IndexOfInner(HeaderKind.Ipv4), layers.Encapsulated);
        Assert.Equal(tunnel, layers.UdpTunnel);
        Assert.Equal(tunnel && p.Layer(udp).Udp.ZeroChecksum, layers.ZeroChecksum);
        Assert.Equal(shape.StartsWith("fragment", StringComparison.Ordinal), layers.Fragment);
    }

    [Fact]
    public void A_zero_checksum_VXLAN_frame_is_a_tunnel_an_ESP_one_is_sealed()
    {
        FrameLayers vxlan = FrameLayers.Of(Build("vxlan-zero"));
        Assert.True(vxlan.UdpTunnel && vxlan.ZeroChecksum && vxlan.Encapsulated && !vxlan.Sealed);
        FrameLayers esp = FrameLayers.Of(Build("esp-in-vxlan"));
        Assert.True(esp.Sealed);
        Assert.False(esp.UdpTunnel); // the NIC cannot see a tunnel whose inside is ciphertext
        Assert.False(FrameLayers.Of(Build("tcp")).Encapsulated);
    }

    private static bool Any(Packet p, HeaderKind kind) => p.IndexOfOuter(kind) >= 0;
}
