using NetSim.Datapaths.Common;
using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Core;
using NetSim.Engine.Elements;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Tunnels;

/// <summary>
/// A device's per-CPU crypt workers (multicore_worker on packet_crypt_wq): queue_work_on wakes the worker of one
/// CPU; a woken worker runs when its CPU is free and takes bundles from the shared ring until it is empty, one
/// packet at a time, whichever CPU its wakeup was meant for. So crypto runs in parallel on every core, and each
/// bundle is finished by one worker. Subclasses say what one packet costs and what happens to a finished bundle.
/// </summary>
internal abstract class WireGuardCryptWorker : DatapathElement
{
    private readonly WireGuardDevice _device;
    private readonly WireGuardCryptQueue _queue;
    private readonly bool[] _active;
    private readonly WireGuardPacketBundle?[] _bundle;
    private readonly int[] _next;

    protected WireGuardCryptWorker(WireGuardDevice device, WireGuardCryptQueue queue, string function)
        : base(device.Node, device.Name + "/" + function)
    {
        _device = device;
        _queue = queue;
        int cores = device.Node.Cpu.CoreCount;
        _active = new bool[cores];
        _bundle = new WireGuardPacketBundle?[cores];
        _next = new int[cores];
    }

    public override NetworkNamespace Namespace => _device.Namespace;
    protected WireGuardDevice Device => _device;

    public override void Receive(Packet packet) => throw new InvalidOperationException($"{Name} takes work from its ring, not packets");

    /// <summary>queue_work_on(<paramref name="cpu"/>): wakes that CPU's worker at <paramref name="atPs"/> unless it is already awake.</summary>
    public void Wake(int cpu, long atPs)
    {
        if (_active[cpu]) return;
        _active[cpu] = true;
        Node.Sim.ScheduleAtPicoseconds(atPs, this, EventKinds.WorkItem, cpu, null, Node.Id);
    }

    protected override void OnEvent(in SimEvent ev)
    {
        if (ev.Kind == EventKinds.WorkItem) Step((int)ev.Arg);
        else base.OnEvent(ev);
    }

    /// <summary>What crypting <paramref name="p"/> (packet <paramref name="index"/> of its bundle) costs; also transforms it.</summary>
    protected abstract long Crypt(Packet p, WireGuardPacketBundle bundle, int index);

    /// <summary>The bundle is crypted at this moment on <paramref name="cpu"/>: hand it to the serial stage.</summary>
    protected abstract void Crypted(WireGuardPacketBundle bundle, int cpu);

    /// <summary>What the trace says for one packet.</summary>
    protected abstract string Action(int cpu);

    private void Step(int cpu)
    {
        long now = Node.Sim.NowPicoseconds;
        WireGuardPacketBundle? b = _bundle[cpu];
        if (b is not null && _next[cpu] == b.Count)
        {
            _bundle[cpu] = null; // its last packet is done now
            b.State = WireGuardPacketState.Crypted;
            b.CryptedAt = now;
            Crypted(b, cpu);
            b = null;
        }
        long free = Node.Cpu[cpu].BusyUntil;
        if (free > now)
        {
            Node.Sim.ScheduleAtPicoseconds(free, this, EventKinds.WorkItem, cpu, null, Node.Id); // its CPU is busy: it runs after
            return;
        }
        if (b is null)
        {
            WireGuardPacketBundle? head = _queue.Peek();
            if (head is null)
            {
                _active[cpu] = false; // the ring is empty: the worker sleeps until the next queue_work_on
                return;
            }
            if (head.ReadyAt > now)
            {
                Node.Sim.ScheduleAtPicoseconds(head.ReadyAt, this, EventKinds.WorkItem, cpu, null, Node.Id);
                return;
            }
            _bundle[cpu] = b = _queue.Consume();
            _next[cpu] = 0;
        }
        int i = _next[cpu]++;
        Packet p = b[i];
        p.Core = cpu;
        long work = Crypt(p, b, i);
        long finish = ChargeQueued(p, work, i == 0 ? b.ReadyAt : now, p.Trace is null ? null : Action(cpu));
        Node.Sim.ScheduleAtPicoseconds(finish, this, EventKinds.WorkItem, cpu, null, Node.Id);
    }
}
