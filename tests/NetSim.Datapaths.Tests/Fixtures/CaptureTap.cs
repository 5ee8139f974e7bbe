using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Tests.Fixtures;

/// <summary>An interface capture that records frame and IP lengths and when they passed.</summary>
public sealed class CaptureTap : IPacketTap
{
    public List<(long At, int FrameLength, int Ipv4Length, int Layers)> Frames { get; } = new();

    public void Capture(Packet packet, long timePs) => Frames.Add((timePs, packet.Length, packet.Ipv4Length, packet.LayerCount));
}
