using NetSim.Engine.Packets;
using NetSim.Topologies.Build;
using NetSim.Topologies.Simulation;

namespace NetSim.Experiments.Calibration;

/// <summary>
/// Measures every new connection's first packet in a run: each TCP SYN is traced, and its time in the sending
/// node's host stack (<see cref="SpanPs"/>) is kept per flow once the warm-up is over. A group's first-packet
/// distribution is then the spans of its connections (one per connection: a retransmitted SYN does not count again).
/// Tracing every packet costs memory and time, so the probe is for reference runs, not for ordinary ones.
/// </summary>
public sealed class FirstPacketProbe
{
    private readonly long _fromPs;
    private readonly Dictionary<int, long> _spanByFlow = new();

    /// <param name="fromPs">Only connections whose SYN leaves its pod at or after this time count (the warm-up's end).</param>
    public FirstPacketProbe(long fromPs) => _fromPs = fromPs;

    /// <summary>Turns tracing on in <paramref name="cluster"/>'s packet pool (a <see cref="RunOptions.BeforeRun"/> hook).</summary>
    public void Attach(BuiltCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var pool = cluster.Context.Pool;
        pool.TraceNewPackets = true;
        pool.TraceFinished = Record;
    }

    /// <summary>The first-packet times, in µs and ascending, of the connections of <paramref name="group"/>.</summary>
    public double[] SpansUs(TrafficGroupResult group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var spans = new List<double>();
        foreach (var flow in group.Flows)
            if (_spanByFlow.TryGetValue(flow.FlowId, out long ps)) spans.Add(ps / 1e6);
        spans.Sort();
        return [.. spans];
    }

    private void Record(Packet p)
    {
        int t = p.IndexOfInner(HeaderKind.Tcp);
        if (t < 0 || (p.Layer(t).Tcp.Flags & (TcpFlags.Syn | TcpFlags.Ack)) != TcpFlags.Syn) return;
        var hops = p.Trace!.Hops;
        if (SpanPs(hops, out long startPs) is long span and >= 0 && startPs >= _fromPs) _spanByFlow.TryAdd(p.FlowId, span);
    }

    /// <summary>
    /// A first packet's time in its sending node's host stack: from the moment it leaves the pod (the hop before the
    /// host's netif_receive_skb, where the pod's veth hands it over) to the end of the NIC's transmit on the same
    /// node, where kube-proxy's rules and conntrack's new entry are. -1 when the walk has no such part.
    /// </summary>
    public static long SpanPs(IReadOnlyList<HopRecord> hops, out long startPs)
    {
        ArgumentNullException.ThrowIfNull(hops);
        startPs = 0;
        if (hops.Count == 0) return -1;
        string node = hops[0].Node;
        int start = -1, end = -1;
        for (int i = 0; i < hops.Count && hops[i].Node == node; i++)
        {
            if (start < 0 && hops[i].Action.StartsWith("netif_receive_skb", StringComparison.Ordinal)) start = i;
            if (hops[i].Element.EndsWith("(NIC)", StringComparison.Ordinal)) end = i;
        }
        if (start <= 0 || end < start) return -1;
        startPs = hops[start - 1].At;
        return hops[end].At - startPs;
    }
}
