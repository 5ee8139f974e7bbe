namespace NetSim.Engine.Costs;

/// <summary>
/// The CPU work an element charges for one action: <c>fixed + perByte × bytes</c>. Held as integers (picoseconds
/// fixed, femtoseconds per byte) so that runs are exact and identical on every CPU.
/// </summary>
public readonly record struct Cost(long FixedPs, long PerByteFs)
{
    public static readonly Cost Free = new(0, 0);

    /// <summary>Picoseconds of work for an action on a packet (or data) of <paramref name="bytes"/> bytes.</summary>
    public long For(int bytes) => FixedPs + PerByteFs * bytes / 1000;

    /// <summary>Picoseconds for <paramref name="units"/> repetitions of the fixed part (e.g. rules traversed).</summary>
    public long Times(int units) => FixedPs * units;

    public Cost Scaled(decimal factor) =>
        new((long)Math.Round(FixedPs * factor, MidpointRounding.ToEven), (long)Math.Round(PerByteFs * factor, MidpointRounding.ToEven));
}
