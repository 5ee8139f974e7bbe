using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Addressing;
using NetSim.Engine.Costs;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Tunnels;

/// <summary>
/// A Geneve device (cilium_geneve, OVN): Ethernet in UDP port 6081 with an 8-byte header plus options in 4-byte
/// words (Cilium carries the source identity in one). Overhead 50 + options; costs <c>geneve.encap</c> / <c>geneve.decap</c>.
/// </summary>
public sealed class GeneveDevice : UdpTunnelDevice
{
    public const ushort DefaultPort = 6081;
    public const int BaseOverhead = Ipv4Header.Size + UdpHeader.Size + GeneveHeader.BaseSize + EthernetHeader.Size;

    public GeneveDevice(NetworkNamespace ns, string name, uint vni, byte optionWords = 0, ushort port = DefaultPort, NetDevice? underlay = null,
        Ipv4Address local = default, int? mtu = null, MacAddress? mac = null)
        : base(ns, name, vni, port, mtu ?? (underlay?.Mtu ?? 1500) - BaseOverhead - 4 * optionWords, local, mac)
    {
        if (optionWords > 63) throw new ArgumentOutOfRangeException(nameof(optionWords), optionWords, "Geneve options are at most 63 words");
        OptionWords = optionWords;
    }

    /// <summary>Length of the options in 4-byte words.</summary>
    public byte OptionWords { get; }
    public override int Overhead => BaseOverhead + 4 * OptionWords;
    internal override Cost EncapCost => Costs.GeneveEncap;
    internal override Cost DecapCost => Costs.GeneveDecap;

    protected override void PushTunnelHeader(Packet p)
    {
        ref GeneveHeader g = ref p.PushGeneve();
        g.Vni = Vni;
        g.OptionWords = OptionWords;
        g.ProtocolType = GeneveHeader.ProtocolTransparentEthernet;
    }

    internal override bool TryReadVni(Packet p, int index, out uint vni)
    {
        ref HeaderLayer l = ref p.Layer(index);
        vni = l.Kind == HeaderKind.Geneve ? l.Geneve.Vni : 0;
        return l.Kind == HeaderKind.Geneve;
    }
}
