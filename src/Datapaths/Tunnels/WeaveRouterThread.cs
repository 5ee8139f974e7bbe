using NetSim.Datapaths.Common;
using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Core;
using NetSim.Engine.Cpu;
using NetSim.Engine.Elements;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Tunnels;

/// <summary>
/// One goroutine chain of the weaver process (the capture loop with its peer's forwarder, or the UDP reader with the
/// injector) as a thread on one core: frames the kernel queued for it (the pcap ring, the UDP socket's receive queue)
/// wait, at most <see cref="CapacityBytes"/> of them (beyond: dropped by the kernel, as a full ring or socket does);
/// the thread takes them in order, each round as many as its router batches, and charges its work in process
/// context. A thread that found nothing to do blocked: the next frame wakes it (<c>sched.context_switch</c>).
/// </summary>
internal sealed class WeaveRouterThread : DatapathElement, IPacketHolder
{
    private const int MaxQueued = 8192;
    private readonly WeaveSleeveRouter _router;
    private readonly bool _transmit;
    private readonly Packet?[] _queue = new Packet?[MaxQueued];
    private readonly long[] _ready = new long[MaxQueued];
    private int _head, _count, _bytes;
    private bool _scheduled;
    private long _idleSince;

    public WeaveRouterThread(WeaveSleeveRouter router, string name, bool transmit, int capacityBytes)
        : base(router.Namespace.Node, name)
    {
        _router = router;
        _transmit = transmit;
        CapacityBytes = capacityBytes;
        Core = router.Namespace.Node.Cpu.Scheduler.PlaceThread();
        Node.Holders.Add(this);
    }

    public override NetworkNamespace Namespace => _router.Namespace;
    public int Core { get; }
    public int CapacityBytes { get; }
    /// <summary>Queued frames, and for the capture thread also the frames riding in its datagrams not yet read by the peer.</summary>
    public int HeldPackets => _count + (_transmit ? _router.RidingFrames : 0);
    public bool Bounded => true;
    public long Wakeups { get; private set; }

    public override void Receive(Packet packet) => throw new InvalidOperationException($"{Name} takes frames from its queue (Enqueue)");

    /// <summary>The kernel queues <paramref name="p"/> for the thread, ready at <paramref name="readyPs"/>; false when full (the caller drops).</summary>
    public bool Enqueue(Packet p, long readyPs)
    {
        if (_count == MaxQueued || _bytes + p.Length > CapacityBytes) return false;
        int tail = (_head + _count) % MaxQueued;
        _queue[tail] = p;
        _ready[tail] = readyPs;
        _count++;
        _bytes += p.Length;
        if (!_scheduled)
        {
            _scheduled = true;
            Node.Sim.ScheduleAtPicoseconds(Math.Max(readyPs, Node.Sim.NowPicoseconds), this, EventKinds.WorkItem, 0, null, Node.Id);
        }
        return true;
    }

    /// <summary>The oldest queued frame if it is ready by <paramref name="now"/>, else null.</summary>
    public Packet? PeekReady(long now) => _count > 0 && _ready[_head] <= now ? _queue[_head] : null;

    public Packet Dequeue()
    {
        Packet p = _queue[_head]!;
        _queue[_head] = null;
        _head = (_head + 1) % MaxQueued;
        _count--;
        _bytes -= p.Length;
        return p;
    }

    /// <summary>Charges <paramref name="workPs"/> for <paramref name="p"/> on this thread's core, queued since <paramref name="queuedAt"/>; returns when it ends.</summary>
    public long Run(Packet p, long workPs, long queuedAt, string? action)
    {
        p.Core = Core;
        return ChargeQueued(p, Node.Draws.Task(workPs), queuedAt, CpuContext.Process, action);
    }

    /// <summary>Hands <paramref name="p"/> to <paramref name="next"/> at <paramref name="atPs"/>.</summary>
    public void Deliver(Packet p, long atPs, PacketElement next) => Node.Sim.ScheduleAtPicoseconds(atPs, next, EventKinds.PacketArrival, 0, p, Node.Id);

    protected override void OnEvent(in SimEvent ev)
    {
        long now = Node.Sim.NowPicoseconds;
        long busy = Node.Cpu[Core].BusyUntil;
        if (busy > now)
        {
            Node.Sim.ScheduleAtPicoseconds(busy, this, EventKinds.WorkItem, 0, null, Node.Id);
            return;
        }
        if (PeekReady(now) is null)
        {
            _idleSince = now; // blocked in poll/recvfrom until the next frame
            if (_count == 0)
            {
                _scheduled = false;
                return;
            }
            Node.Sim.ScheduleAtPicoseconds(_ready[_head], this, EventKinds.WorkItem, 0, null, Node.Id);
            return;
        }
        // Blocked since it last ran dry: the frame's arrival wakes it and its core switches to it.
        bool woken = _idleSince >= 0;
        if (woken) Wakeups++;
        _idleSince = -1;
        long done = _transmit ? _router.SendRound(this, now, woken) : _router.ReceiveRound(this, now, woken);
        Node.Sim.ScheduleAtPicoseconds(Math.Max(done, now), this, EventKinds.WorkItem, 0, null, Node.Id);
    }
}
