using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetSim.Engine.Core;

/// <summary>
/// One scheduled event: a small struct stored by value in the scheduler's arrays (no allocation per event).
/// Ordered by (Time, Seq): Seq is the insertion order, so ties break first-scheduled-first.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly struct SimEvent
{
    public readonly long Time;
    public readonly long Seq;
    public readonly IEventTarget Target;
    /// <summary>An object the event is about (usually a packet); null when none.</summary>
    public readonly object? Payload;
    /// <summary>A free integer argument (a queue index, a timer generation, a byte count...).</summary>
    public readonly long Arg;
    /// <summary>The target's own event kind; part of the run fingerprint.</summary>
    public readonly int Kind;
    /// <summary>The node the event belongs to (its context), so the engine can later be partitioned by node.</summary>
    public readonly int Node;

    public SimEvent(long time, long seq, IEventTarget target, int kind, long arg, object? payload, int node)
    {
        Time = time;
        Seq = seq;
        Target = target;
        Kind = kind;
        Arg = arg;
        Payload = payload;
        Node = node;
    }

    public SimTime At => new(Time);

    /// <summary>True when this event is due strictly before <paramref name="other"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Precedes(in SimEvent other) =>
        Time < other.Time || (Time == other.Time && Seq < other.Seq);
}
