namespace NetSim.Datapaths.Devices;

/// <summary>Interface statistics as <c>ip -s link</c> shows them.</summary>
public sealed class DeviceCounters
{
    public long RxPackets { get; private set; }
    public long RxBytes { get; private set; }
    public long TxPackets { get; private set; }
    public long TxBytes { get; private set; }
    public long RxDropped { get; internal set; }
    public long TxDropped { get; internal set; }

    internal void CountRx(int bytes)
    {
        RxPackets++;
        RxBytes += bytes;
    }

    internal void CountTx(int bytes)
    {
        TxPackets++;
        TxBytes += bytes;
    }
}
