using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;

namespace NetSim.Topologies.Tests.Build;

/// <summary>The source of every TCP packet addressed to <paramref name="self"/>: what a client or backend saw.</summary>
internal sealed class TcpSourceTap(Ipv4Address self) : IPacketTap
{
    public List<Ipv4Address> Sources { get; } = new();

    public void Capture(Packet packet, long timePs)
    {
        if (packet.Has(HeaderKind.Ipv4) && packet.Ipv4.Destination == self && packet.Has(HeaderKind.Tcp)) Sources.Add(packet.Ipv4.Source);
    }
}
