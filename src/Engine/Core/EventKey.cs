using System.Runtime.CompilerServices;

namespace NetSim.Engine.Core;

/// <summary>
/// A pending event's place in the order, (time, insertion number), and the slot that holds the rest of it.
/// No references, so arrays of keys are copied and sorted without GC write barriers.
/// </summary>
internal readonly struct EventKey(long time, long seq, int slot)
{
    public readonly long Time = time;
    public readonly long Seq = seq;
    public readonly int Slot = slot;

    /// <summary>(Time, Seq) lexicographic order; the branch on equal times is almost never taken.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Less(in EventKey x, in EventKey y) => x.Time != y.Time ? x.Time < y.Time : x.Seq < y.Seq;
}
