namespace NetSim.Engine.Packets;

/// <summary>
/// A capture point on an interface (tcpdump -i): the device calls it for every frame it sends or receives,
/// with the simulation time. Null on an interface means no capture and no cost.
/// </summary>
public interface IPacketTap
{
    void Capture(Packet packet, long timePs);
}
