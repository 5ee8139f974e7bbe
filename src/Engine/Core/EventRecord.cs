using System.Runtime.CompilerServices;

namespace NetSim.Engine.Core;

/// <summary>
/// How the scheduler stores a pending event's payload (time and order are kept beside it). Mutable and written
/// field by field on purpose: assigning a whole struct that holds references makes the JIT copy it with a GC
/// barrier helper plus a slow block move, which costs more than the rest of scheduling an event.
/// </summary>
internal struct EventRecord
{
    public IEventTarget? Target;
    public object? Payload;
    public long Arg;
    public int Kind;
    public int Node;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Set(IEventTarget target, int kind, long arg, object? payload, int node)
    {
        Target = target;
        Payload = payload;
        Arg = arg;
        Kind = kind;
        Node = node;
    }

    /// <summary>The public event for this record at (<paramref name="time"/>, <paramref name="seq"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly SimEvent ToEvent(long time, long seq) => new(time, seq, Target!, Kind, Arg, Payload, Node);

    /// <summary>Drops the references, so a delivered packet is not kept alive by the scheduler's arrays.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Release()
    {
        Target = null;
        Payload = null;
    }
}
