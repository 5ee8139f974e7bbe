namespace NetSim.Engine.Core;

/// <summary>
/// A cancellable, re-armable timer (TCP retransmission, delayed ACK, ageing). Cancellation is lazy: a generation
/// number in the queued event is checked when it pops. Re-arming to a later deadline queues nothing new; the
/// pending event re-queues itself at the new deadline when it pops, so a timer rearmed on every ACK keeps at
/// most one event in the heap.
/// </summary>
public sealed class SimTimer : IEventTarget
{
    private const long NotArmed = -1;
    private readonly Simulator _sim;
    private readonly IEventTarget _owner;
    private readonly int _kind;
    private readonly int _node;
    private long _deadline = NotArmed;
    private long _queuedAt = NotArmed;
    private long _generation;

    /// <param name="owner">Receives an event of <paramref name="kind"/> when the timer expires.</param>
    public SimTimer(Simulator sim, IEventTarget owner, int kind, int node = Simulator.ContextNode)
    {
        _sim = sim;
        _owner = owner;
        _kind = kind;
        _node = node;
    }

    public bool IsArmed => _deadline != NotArmed;
    public SimTime Deadline => new(_deadline);

    /// <summary>Arms (or re-arms) the timer to expire <paramref name="delay"/> from now.</summary>
    public void Arm(SimTime delay) => ArmAt(_sim.Now + delay);

    public void ArmAt(SimTime at)
    {
        long t = at.Picoseconds;
        _deadline = t;
        if (_queuedAt == NotArmed || t < _queuedAt) Queue(t);
    }

    /// <summary>Disarms the timer; a queued event becomes stale and is ignored when it pops.</summary>
    public void Cancel() => _deadline = NotArmed;

    private void Queue(long t)
    {
        _generation++;
        _queuedAt = t;
        _sim.ScheduleAtPicoseconds(t, this, _kind, _generation, null, _node);
    }

    void IEventTarget.OnEvent(in SimEvent ev)
    {
        if (ev.Arg != _generation) return; // superseded by an earlier re-arm
        _queuedAt = NotArmed;
        if (_deadline == NotArmed) return; // cancelled
        if (_deadline > ev.Time)
        {
            Queue(_deadline); // re-armed later while queued
            return;
        }
        _deadline = NotArmed;
        _owner.OnEvent(in ev);
    }
}
