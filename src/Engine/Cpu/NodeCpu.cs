namespace NetSim.Engine.Cpu;

/// <summary>The cores of one node. Work lands on the core RSS or the sending socket picked (the packet's Core).</summary>
public sealed class NodeCpu
{
    private readonly CpuCore[] _cores;

    public NodeCpu(int cores)
    {
        if (cores < 1) throw new ArgumentOutOfRangeException(nameof(cores), cores, "a node needs at least one core");
        _cores = new CpuCore[cores];
        for (int i = 0; i < cores; i++) _cores[i] = new CpuCore(i);
        Scheduler = new CpuScheduler(this);
    }

    /// <summary>Where application threads run.</summary>
    public CpuScheduler Scheduler { get; }

    public int CoreCount => _cores.Length;
    public IReadOnlyList<CpuCore> Cores => _cores;

    public CpuCore this[int core] => _cores[(uint)core % (uint)_cores.Length];

    public long TotalBusyPs
    {
        get
        {
            long sum = 0;
            foreach (var c in _cores) sum += c.BusyPs;
            return sum;
        }
    }

    /// <summary>Busy time of every core up to <paramref name="now"/> (booked work still queued excluded).</summary>
    public long BusyThrough(long now)
    {
        long sum = 0;
        foreach (var c in _cores) sum += c.BusyThrough(now);
        return sum;
    }
}
