using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Tunnels;

/// <summary>
/// xfrm4_rcv → esp_input on an ESP packet for this node: the SA found by SPI, the ICV checked and the payload
/// decrypted (<c>esp.decrypt</c>, fixed per packet and per byte, on the CPU that received it; the plaintext's checksum
/// then verified in software, <c>checksum.software</c>, as esp_input leaves it CHECKSUM_NONE), the outer header and
/// ESP removed (tunnel mode), and the inner packet queued on the device's gro_cells, which GRO-merges it into the
/// device's receive path.
/// </summary>
internal sealed class EspInput : NamespaceElement
{
    private readonly EspTunnelDevice _device;

    public EspInput(EspTunnelDevice device) : base(device.UnderlayNamespace, device.Name + "/xfrm4_rcv") => _device = device;

    public override void Receive(Packet p)
    {
        long ps = Costs.EspDecrypt.For(p.Length);
        int ip = p.LayerCount - 1;
        if (!_device.IsUp || ip < 2 || p.Layer(ip - 1).Kind != HeaderKind.Esp || p.Layer(ip - 2).Kind != HeaderKind.Ipv4)
        {
            ChargeAndDrop(p, ps, DropReason.NotForThisHost);
            return;
        }
        EcnCodepoint outer = p.Ipv4.Ecn;
        var from = p.Ipv4.Source;
        p.Pop(HeaderKind.Ipv4);
        p.Pop(HeaderKind.Esp);
        ps += Costs.ChecksumSoftware.For(p.Length); // esp_input leaves the plaintext CHECKSUM_NONE: its checksum is verified in software
        ref Ipv4Header inner = ref p.Ipv4;
        inner.Ecn = TunnelEcn.Decapsulate(outer, inner.Ecn);
        Scrub(p, _device.Namespace != Namespace);
        long done = Charge(p, ps, p.Trace is null ? null : $"esp_input (rfc4106(gcm(aes))) ← {from} → gro_cells of {_device.Name}");
        _device.GroCell.Enqueue(p, done);
    }
}
