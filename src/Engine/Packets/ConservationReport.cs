namespace NetSim.Engine.Packets;

/// <summary>
/// The end-of-run packet ledger: sent = delivered + dropped + absorbed (merged/split) + in flight, where "in flight"
/// is counted independently (packets in pending events plus packets held in queues). A leak or a double count
/// breaks the equation and fails the run.
/// </summary>
public sealed record ConservationReport(
    long Sent, long Delivered, long Dropped, long Absorbed, long InFlightInEvents, long InFlightHeld)
{
    public long InFlight => InFlightInEvents + InFlightHeld;
    public bool Holds => Sent == Delivered + Dropped + Absorbed + InFlight;

    public override string ToString() =>
        $"sent {Sent} = delivered {Delivered} + dropped {Dropped} + absorbed {Absorbed} + in flight {InFlight} " +
        $"({InFlightInEvents} in events, {InFlightHeld} queued): {(Holds ? "holds" : $"VIOLATED by {Sent - Delivered - Dropped - Absorbed - InFlight}")}";
}
