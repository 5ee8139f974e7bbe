using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;

namespace NetSim.Traffic.Metrics;

/// <summary>
/// Every flow of a run, indexed by flow id (the FlowId tag packets carry), in creation order. Attributes drops to
/// flows by listening to each packet pool's drop event (called only on drops, never on the delivery path).
/// </summary>
public sealed class FlowTable
{
    private readonly List<FlowMetrics> _flows = new();
    private readonly List<PacketPool> _pools = new();
    private readonly Func<ILatencyRecorder> _newRecorder;

    /// <param name="newRecorder">Makes a latency recorder per flow (default: <see cref="LogLinearHistogram"/>).</param>
    public FlowTable(Func<ILatencyRecorder>? newRecorder = null) => _newRecorder = newRecorder ?? (() => new LogLinearHistogram());

    public int Count => _flows.Count;
    public IReadOnlyList<FlowMetrics> Flows => _flows;

    public FlowMetrics this[int flowId] => _flows[flowId];

    /// <summary>A new latency recorder from this table's factory (applications use it too).</summary>
    public ILatencyRecorder NewRecorder() => _newRecorder();

    /// <summary>Subscribes to a pool's drops once, so drops of this table's flows are counted by reason.</summary>
    public void Attach(PacketPool pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        foreach (var p in _pools)
            if (ReferenceEquals(p, pool)) return;
        _pools.Add(pool);
        pool.PacketDropped += OnDropped;
    }

    public FlowMetrics Register(string protocol, string source, string destination, Ipv4Address sourceAddress,
        ushort sourcePort, Ipv4Address destinationAddress, ushort destinationPort, long startPs)
    {
        var flow = new FlowMetrics(_flows.Count, protocol, source, destination, sourceAddress, sourcePort,
            destinationAddress, destinationPort, startPs, _newRecorder());
        _flows.Add(flow);
        return flow;
    }

    /// <summary>The flow a packet belongs to, or null when its tag names none of ours.</summary>
    public FlowMetrics? Find(int flowId) => (uint)flowId < (uint)_flows.Count ? _flows[flowId] : null;

    /// <summary>Plain records of every flow, in flow-id order.</summary>
    public IReadOnlyList<FlowRecord> Snapshot(long nowPs)
    {
        var records = new FlowRecord[_flows.Count];
        for (int i = 0; i < records.Length; i++) records[i] = _flows[i].Snapshot(nowPs);
        return records;
    }

    private void OnDropped(Packet packet, DropReason reason) => Find(packet.FlowId)?.CountDrop(reason);
}
