using NetSim.Engine.Core;
using NetSim.Engine.Elements;
using NetSim.Engine.Links;
using NetSim.Engine.Packets;

namespace NetSim.Engine.Nics;

/// <summary>
/// One RX queue of a NIC with its descriptor ring, its core (IRQ affinity) and its NAPI context.
/// A frame becomes ready in the ring after the NIC's receive latency (DMA, interrupt delivery). With interrupts
/// enabled, the first ready frame raises the interrupt after the coalescing delay (rx-usecs), and the interrupt
/// schedules a NAPI poll on the queue's core; the poll runs when that core is free (softirq work queues behind
/// work already booked), which is what makes NAPI batch more under load. A poll takes up to the budget of ready frames, charging
/// <c>nic.receive</c> for each (and <c>gro.merge</c> for each segment merged); packets GRO cannot hold go up at
/// once, merged ones when the poll ends (napi_complete flushes GRO). Frames still in the ring then start the
/// next poll. The charges of one poll are booked on the core together, so stack work of its packets queues
/// behind the whole poll (Linux interleaves them; the total CPU is the same).
/// <para>With adaptive interrupt moderation (the NIC's driver's, <see cref="NicSpec.Moderation"/>, else the profile's;
/// and no fixed coalescing delay set), the interrupt follows the driver's algorithm instead: Intel's dynamic ITR
/// (<see cref="AdaptiveInterruptRate"/>: at once, but no sooner than the current interval after the previous
/// interrupt) or mlx5's CQ moderation under net DIM (<see cref="NetDim"/>: a period after the latest frame, or at once
/// when enough frames have gathered), updated each time NAPI completes.</para>
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "TX/RX queue is the NIC's own name for it (ethtool -l).")]
public sealed class NicRxQueue : IEventTarget, IPacketHolder, IGroNapi
{
    private readonly Nic _nic;
    private readonly DropTailQueue _ring;
    private readonly GroTable _gro;
    private readonly bool _groEnabled;
    private readonly int _budget;
    private readonly int _groMax;
    private readonly long _coalescePs;
    /// <summary>The driver's adaptive moderation; null when moderation is fixed (the coalescing delay).</summary>
    private IInterruptModerator? _itr;
    private bool _pollScheduled;
    /// <summary>An interrupt is armed and has not fired; it fires at <see cref="_deadlinePs"/>.</summary>
    private bool _armed;
    private long _deadlinePs;
    private int _armedFrames;
    /// <summary>The armed interrupt's event argument: an earlier interrupt event with another is stale (its deadline moved earlier).</summary>
    private long _armToken;

    internal NicRxQueue(Nic nic, int index, int core, NicSpec spec, long coalescePs)
    {
        _coalescePs = coalescePs;
        _nic = nic;
        Index = index;
        Core = core;
        _ring = new DropTailQueue(0, spec.RxRingSize);
        _groEnabled = (spec.Offloads & NicOffloads.Gro) != 0;
        _gro = new GroTable { Offloads = spec.Offloads, ZeroChecksumTunnelGro = spec.ZeroChecksumTunnelGro };
        _budget = spec.NapiBudget;
        _groMax = spec.GroMaxBytes;
    }

    public int Index { get; }
    /// <summary>The core its interrupt and NAPI poll run on (and RSS steers its flows to).</summary>
    public int Core { get; internal set; }
    public int HeldPackets => _ring.Count + _gro.Count;
    public bool Bounded => _ring.Bounded && _gro.Bounded;

    public long Frames { get; private set; }
    public long Polls { get; private set; }
    /// <summary>Segments merged into another by GRO.</summary>
    public long GroMerged { get; private set; }
    /// <summary>Packets handed to the stack (after GRO).</summary>
    public long Delivered { get; private set; }
    public long RingDrops { get; private set; }
    /// <summary>The current minimum gap between interrupts: the adaptive interval, else the fixed coalescing delay.</summary>
    public long InterruptIntervalPs => _itr?.IntervalPs ?? _coalescePs;

    /// <summary>A frame arrives from the wire; it is ready for the driver at <paramref name="readyAtPs"/>.</summary>
    internal void Enqueue(Packet frame, long readyAtPs)
    {
        frame.Core = Core;
        if (!_ring.TryEnqueue(frame, frame.Length, readyAtPs))
        {
            RingDrops++;
            _nic.DropFrame(frame, DropReason.QueueFull);
            return;
        }
        Frames++;
        if (!_pollScheduled)
        {
            _pollScheduled = true;
            Arm(readyAtPs);
        }
        else if (_armed && _itr is not null)
        {
            long at = _itr.FrameWhileArmed(_deadlinePs, readyAtPs, ++_armedFrames);
            bool earlier = at < _deadlinePs;
            _deadlinePs = at; // a later deadline is found by the planned event, which then waits for it
            if (earlier) ScheduleInterrupt();
        }
    }

    /// <summary>Interrupts are enabled and a frame is ready at <paramref name="readyPs"/>: plan its interrupt.</summary>
    private void Arm(long readyPs)
    {
        if (_itr is null && _coalescePs == 0 && Moderation() is { Adaptive: true } adaptive && _nic.Port is { } port)
            _itr = Moderator(adaptive, port.Link.Spec.RateBitsPerSecond); // the link is known from the first frame on
        _armed = true;
        _armedFrames = 1;
        _deadlinePs = _itr is null ? readyPs + _coalescePs : _itr.Arm(readyPs);
        ScheduleInterrupt();
    }

    /// <summary>The NIC's own moderation where its spec names a driver, else the node profile's.</summary>
    private Engine.Costs.InterruptModeration Moderation() => _nic.Spec.Moderation ?? _nic.Node.Costs.Variability.Moderation;

    private static IInterruptModerator Moderator(Engine.Costs.InterruptModeration moderation, long linkBitsPerSecond) =>
        moderation.Algorithm == Engine.Costs.ModerationAlgorithm.NetDim ? new NetDim() : new AdaptiveInterruptRate(moderation, linkBitsPerSecond);

    private void ScheduleInterrupt() =>
        _nic.Node.Sim.ScheduleAtPicoseconds(_deadlinePs, this, EventKinds.NapiPoll, ++_armToken, null, _nic.Node.Id);

    void IEventTarget.OnEvent(in SimEvent ev)
    {
        if (ev.Kind != EventKinds.NapiPoll) PollEnd();
        else if (ev.Arg == 0) Poll(); // a poll that waited for its core, or a repoll
        else Interrupt(ev.Arg);
    }

    /// <summary>The armed interrupt's event: fire it, unless it is stale or its deadline has moved on.</summary>
    private void Interrupt(long token)
    {
        if (!_armed || token != _armToken) return;
        long now = _nic.Node.Sim.NowPicoseconds;
        if (_deadlinePs > now)
        {
            _nic.Node.Sim.ScheduleAtPicoseconds(_deadlinePs, this, EventKinds.NapiPoll, token, null, _nic.Node.Id);
            return;
        }
        _armed = false;
        _itr?.Fired();
        Poll();
    }

    private void Poll()
    {
        long now = _nic.Node.Sim.NowPicoseconds;
        long coreFree = _nic.Node.Cpu[Core].SoftirqBusyUntil;
        if (coreFree > now)
        {
            _nic.Node.Sim.ScheduleAtPicoseconds(coreFree, this, EventKinds.NapiPoll, 0, null, _nic.Node.Id);
            return;
        }
        long t = now;
        Polls++;
        for (int n = 0; n < _budget && _ring.Count > 0 && _ring.PeekTime <= now; n++)
        {
            Packet p = _ring.Dequeue(out _);
            _itr?.Count(p.Length);
            FrameLayers layers = FrameLayers.Of(p); // read once for the checksum state and GRO
            t = _nic.ChargeReceive(p, layers);
            if (_groEnabled) t = _gro.Receive(p, layers, t, _groMax, this); // napi_gro_receive
            else Up(p, t);
        }
        _nic.Node.Sim.ScheduleAtPicoseconds(t, this, EventKinds.NapiPollEnd, 0, null, _nic.Node.Id);
    }

    long IGroNapi.ChargeMerge(Packet segment)
    {
        GroMerged++;
        return _nic.ChargeGroMerge(segment);
    }

    void IGroNapi.Up(Packet packet, long atPs) => Up(packet, atPs);

    private void PollEnd()
    {
        long now = _nic.Node.Sim.NowPicoseconds;
        _gro.Flush(now, this);
        if (_ring.Count > 0 && _ring.PeekTime <= now)
        {
            // Budget used up: this NAPI goes to the tail of the core's poll list, behind the core's softnet backlog.
            _nic.Node.BacklogIfMade(Core)?.RoundBeforeRepoll(now);
            _nic.Node.Sim.ScheduleAtPicoseconds(now, this, EventKinds.NapiPoll, 0, null, _nic.Node.Id);
            return;
        }
        _itr?.Complete(now); // napi_complete: interrupts back on, the driver's moderation updated
        if (_ring.Count == 0)
        {
            _pollScheduled = false;
            return;
        }
        // Only frames still in DMA: the next ready frame raises an interrupt.
        Arm(_ring.PeekTime);
    }

    private void Up(Packet p, long at)
    {
        Delivered++;
        _nic.DeliverUp(p, at);
    }
}
