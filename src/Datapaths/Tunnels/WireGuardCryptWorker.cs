using NetSim.Datapaths.Common;
using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Cpu;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Tunnels;

/// <summary>
/// A device's per-CPU crypt workers (multicore_worker on packet_crypt_wq): queue_work_on wakes the worker of one
/// CPU; a woken worker takes bundles from the shared ring until it is empty (ptr_ring_consume_bh), one packet per
/// step, whichever CPU its wakeup was meant for. So crypto runs in parallel on every core, and each bundle is
/// finished by one worker. Subclasses say what one packet costs and what happens to a finished bundle.
/// </summary>
internal abstract class WireGuardCryptWorker : DatapathElement, IWireGuardWorker
{
    private readonly WireGuardDevice _device;
    private readonly WireGuardCryptQueue _queue;
    private readonly WireGuardWork[] _works;
    /// <summary>The bundle each CPU's worker is crypting, and the index of its next packet.</summary>
    private readonly WireGuardPacketBundle?[] _bundle;
    private readonly int[] _next;

    protected WireGuardCryptWorker(WireGuardDevice device, WireGuardCryptQueue queue, string function)
        : base(device.Node, device.Name + "/" + function)
    {
        _device = device;
        _queue = queue;
        int cores = device.Node.Cpu.CoreCount;
        _works = new WireGuardWork[cores];
        for (int cpu = 0; cpu < cores; cpu++) _works[cpu] = new WireGuardWork(this, cpu);
        _bundle = new WireGuardPacketBundle?[cores];
        _next = new int[cores];
    }

    public override NetworkNamespace Namespace => _device.Namespace;
    protected WireGuardDevice Device => _device;

    public override void Receive(Packet packet) => throw new InvalidOperationException($"{Name} takes work from its ring, not packets");

    /// <summary>queue_work_on(<paramref name="cpu"/>): wakes that CPU's worker at <paramref name="atPs"/> unless it is already awake.</summary>
    public void Wake(int cpu, long atPs) => _device.Workers.Queue(_works[cpu], atPs);

    /// <summary>What crypting <paramref name="p"/> (packet <paramref name="index"/> of its bundle) costs; also transforms it.</summary>
    protected abstract long Crypt(Packet p, WireGuardPacketBundle bundle, int index);

    /// <summary>The bundle is crypted now on <paramref name="cpu"/>: hand it to the serial stage.</summary>
    protected abstract void Crypted(WireGuardPacketBundle bundle, int cpu);

    /// <summary>What the trace says for one packet.</summary>
    protected abstract string Action(int cpu);

    long IWireGuardWorker.Run(WireGuardWork work, long now)
    {
        int cpu = work.Cpu;
        WireGuardPacketBundle? b = _bundle[cpu];
        if (b is null)
        {
            if (_queue.Peek() is not { } head || head.ReadyAt > now) return -1; // the ring is empty (or its head still being queued)
            _bundle[cpu] = b = _queue.Consume();
            _next[cpu] = 0;
        }
        int i = _next[cpu]++;
        Packet p = b[i];
        p.Core = cpu;
        long ps = Crypt(p, b, i);
        return ChargeQueued(p, ps, i == 0 ? b.ReadyAt : now, CpuContext.Process, p.Trace is null ? null : Action(cpu));
    }

    void IWireGuardWorker.Ran(WireGuardWork work, long now)
    {
        int cpu = work.Cpu;
        if (_bundle[cpu] is not { } b || _next[cpu] < b.Count) return;
        _bundle[cpu] = null; // its last packet is done now
        b.State = WireGuardPacketState.Crypted;
        b.CryptedAt = now;
        Crypted(b, cpu);
    }
}
