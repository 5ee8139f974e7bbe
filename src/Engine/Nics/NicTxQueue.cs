using NetSim.Engine.Core;
using NetSim.Engine.Packets;

namespace NetSim.Engine.Nics;

/// <summary>
/// One TX queue (descriptor ring) of a NIC, chosen by the sending core (XPS). Packets handed to the driver are
/// DMA'd after the NIC's transmit latency, then (segmented if TSO) go to the wire. All rings of a NIC share the
/// one wire FIFO of its link; arbitration between rings is not modelled, the rings only count.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "TX/RX queue is the NIC's own name for it (ethtool -l).")]
public sealed class NicTxQueue : IEventTarget
{
    private readonly Nic _nic;

    internal NicTxQueue(Nic nic, int index)
    {
        _nic = nic;
        Index = index;
    }

    public int Index { get; }
    /// <summary>Packets (super-packets count once) the driver queued here.</summary>
    public long Packets { get; private set; }
    /// <summary>Wire frames those packets became.</summary>
    public long Frames { get; private set; }

    internal void Count(int frames)
    {
        Packets++;
        Frames += frames;
    }

    void IEventTarget.OnEvent(in SimEvent ev) => _nic.SendToWire((Packet)ev.Payload!);
}
