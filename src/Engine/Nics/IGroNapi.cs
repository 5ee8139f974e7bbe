using NetSim.Engine.Packets;

namespace NetSim.Engine.Nics;

/// <summary>The NAPI context a <see cref="GroTable"/> works for (a NIC's RX queue, a WireGuard peer): it pays for merges and takes what GRO hands up.</summary>
public interface IGroNapi
{
    /// <summary>Charges merging <paramref name="segment"/> into a held packet on the poll's core; returns when that work ends.</summary>
    long ChargeMerge(Packet segment);

    /// <summary>Hands <paramref name="packet"/> to the stack at <paramref name="atPs"/>.</summary>
    void Up(Packet packet, long atPs);
}
