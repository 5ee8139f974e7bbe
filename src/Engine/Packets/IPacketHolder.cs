namespace NetSim.Engine.Packets;

/// <summary>
/// Anything that keeps packets between events (a transmit queue, a GRO list, a socket buffer). Conservation is
/// checked by counting packets in pending events plus packets in holders against the pool's outstanding count.
/// </summary>
public interface IPacketHolder
{
    /// <summary>How many packets this holder keeps right now.</summary>
    int HeldPackets { get; }

    /// <summary>The holder has a limit and drops (with a reason) what would exceed it: checked after every run.</summary>
    bool Bounded { get; }
}
