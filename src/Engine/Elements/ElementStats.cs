namespace NetSim.Engine.Elements;

/// <summary>What one element did over a run: packets handled, CPU charged, time packets waited for a core.</summary>
public sealed class ElementStats
{
    public long Packets { get; private set; }
    public long Bytes { get; private set; }
    public long CpuPs { get; private set; }
    public long QueuePs { get; private set; }

    public void Record(int bytes, long cpuPs, long queuePs)
    {
        Packets++;
        Bytes += bytes;
        CpuPs += cpuPs;
        QueuePs += queuePs;
    }

    public void Reset()
    {
        Packets = 0;
        Bytes = 0;
        CpuPs = 0;
        QueuePs = 0;
    }
}
