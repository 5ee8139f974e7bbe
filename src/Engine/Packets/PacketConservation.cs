using NetSim.Engine.Core;

namespace NetSim.Engine.Packets;

/// <summary>Checks the conservation invariant at the end of a run (not on the hot path).</summary>
public static class PacketConservation
{
    public static ConservationReport Check(Simulator sim, PacketPool pool, IEnumerable<IPacketHolder> holders)
    {
        long inEvents = sim.CountPendingPayloads(static o => o is Packet);
        long held = 0;
        foreach (var h in holders) held += h.HeldPackets;
        return new ConservationReport(pool.Rented, pool.Delivered, pool.DroppedTotal, pool.Absorbed, inEvents, held);
    }
}
