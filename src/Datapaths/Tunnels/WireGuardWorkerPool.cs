using NetSim.Engine.Core;
using NetSim.Engine.Elements;

namespace NetSim.Datapaths.Tunnels;

/// <summary>
/// The per-CPU worker pools that run one WireGuard device's work (packet_crypt_wq is WQ_CPU_INTENSIVE: every work runs
/// in its own kworker thread, and CFS shares the CPU between them). Each CPU keeps the works that are ready; once the
/// softirq work booked on the CPU is done (softirq pre-empts threads; an application thread's work is booked in turn
/// with theirs), the ready work that has had the least CPU time (CFS's vruntime; a woken work starts at the CPU's
/// minimum, as CFS places a waking task) runs one step, one packet, and is ready again if it has more. So the works of
/// one CPU share its time fairly and none starves another: a crypt worker that always finds more in the ring cannot
/// hold off the transmit work on its CPU. queue_work_on of a work already queued or running does nothing. Run must not
/// queue works itself.
/// </summary>
public sealed class WireGuardWorkerPool : IEventTarget
{
    private readonly NodeContext _node;
    private readonly WireGuardWork?[] _head;
    /// <summary>The vruntime of the last work each CPU ran: a woken work starts no lower.</summary>
    private readonly long[] _minVruntime;
    /// <summary>A step of some work is on the CPU, or a retry is scheduled for when its softirq work is done.</summary>
    private readonly bool[] _waiting;

    public WireGuardWorkerPool(NodeContext node)
    {
        _node = node;
        int cores = node.Cpu.CoreCount;
        _head = new WireGuardWork?[cores];
        _minVruntime = new long[cores];
        _waiting = new bool[cores];
    }

    /// <summary>queue_work_on(<see cref="WireGuardWork.Cpu"/>): the work is ready from <paramref name="atPs"/> unless it is already queued or running.</summary>
    public void Queue(WireGuardWork work, long atPs)
    {
        if (work.State != WireGuardWorkState.Idle) return;
        work.State = WireGuardWorkState.Waking;
        if (atPs > _node.Sim.NowPicoseconds)
        {
            _node.Sim.ScheduleAtPicoseconds(atPs, this, EventKinds.WorkItem, work.Cpu, work, _node.Id);
            return;
        }
        Wake(work);
        Dispatch(work.Cpu);
    }

    void IEventTarget.OnEvent(in SimEvent ev)
    {
        int cpu = (int)ev.Arg;
        if (ev.Payload is WireGuardWork work)
        {
            if (work.State == WireGuardWorkState.Running)
            {
                _waiting[cpu] = false; // its step ended: ready again, in case it has more
                work.Worker.Ran(work, _node.Sim.NowPicoseconds);
                Add(work);
            }
            else
            {
                Wake(work);
            }
        }
        else
        {
            _waiting[cpu] = false; // the CPU is free now
        }
        Dispatch(cpu);
    }

    private void Dispatch(int cpu)
    {
        if (_waiting[cpu]) return;
        long now = _node.Sim.NowPicoseconds;
        while (_head[cpu] is not null)
        {
            long free = _node.Cpu[cpu].SoftirqBusyUntil; // softirq work pre-empts threads; other threads' work is booked in turn
            if (free > now)
            {
                _waiting[cpu] = true;
                _node.Sim.ScheduleAtPicoseconds(free, this, EventKinds.WorkItem, cpu, null, _node.Id);
                return;
            }
            WireGuardWork work = TakeLeastRun(cpu);
            if (work.VruntimePs > _minVruntime[cpu]) _minVruntime[cpu] = work.VruntimePs;
            long finish = work.Worker.Run(work, now);
            if (finish < 0)
            {
                work.State = WireGuardWorkState.Idle; // nothing left: it sleeps until the next queue_work_on
                continue;
            }
            work.Steps++;
            work.VruntimePs += finish - now;
            work.State = WireGuardWorkState.Running;
            _waiting[cpu] = true;
            _node.Sim.ScheduleAtPicoseconds(finish, this, EventKinds.WorkItem, cpu, work, _node.Id);
            return;
        }
    }

    /// <summary>A sleeping work becomes ready: its vruntime is raised to the CPU's, so it gets no credit for its sleep.</summary>
    private void Wake(WireGuardWork work)
    {
        if (work.VruntimePs < _minVruntime[work.Cpu]) work.VruntimePs = _minVruntime[work.Cpu];
        Add(work);
    }

    private void Add(WireGuardWork work)
    {
        work.State = WireGuardWorkState.Queued;
        work.Next = _head[work.Cpu];
        _head[work.Cpu] = work;
    }

    /// <summary>Removes and returns the ready work with the least vruntime (the earliest queued on ties).</summary>
    private WireGuardWork TakeLeastRun(int cpu)
    {
        WireGuardWork? best = null, bestPrev = null, prev = null;
        for (WireGuardWork? w = _head[cpu]; w is not null; prev = w, w = w.Next)
        {
            if (best is null || w.VruntimePs <= best.VruntimePs)
            {
                best = w;
                bestPrev = prev;
            }
        }
        if (bestPrev is null) _head[cpu] = best!.Next;
        else bestPrev.Next = best!.Next;
        best.Next = null;
        return best;
    }
}
