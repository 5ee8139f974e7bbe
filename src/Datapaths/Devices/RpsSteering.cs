using NetSim.Engine.Elements;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Devices;

/// <summary>
/// Receive Packet Steering on a device's RX queues (rps_cpus), with Receive Flow Steering on top when configured
/// (rps_flow_cnt): get_rps_cpu picks the core that processes a received packet's stack work. With RFS, the core the
/// flow's consuming thread last ran on (rps_sock_flow_table); otherwise the rps_map entry for the packet's flow hash.
/// The driver's NAPI work stays on the interrupt core; everything from __netif_receive_skb on moves to the target.
/// </summary>
public sealed class RpsSteering
{
    private readonly int[] _map;

    /// <param name="cores">The cores of rps_cpus, in order (the rps_map).</param>
    /// <param name="flowSteering">RFS: prefer the core of the flow's consuming thread.</param>
    public RpsSteering(IReadOnlyList<int> cores, bool flowSteering)
    {
        ArgumentNullException.ThrowIfNull(cores);
        if (cores.Count == 0) throw new ArgumentException("rps_cpus names no core", nameof(cores));
        _map = [.. cores];
        FlowSteering = flowSteering;
    }

    public bool FlowSteering { get; }
    public IReadOnlyList<int> Cores => _map;

    /// <summary>get_rps_cpu: the core that should process <paramref name="p"/> on <paramref name="node"/>.</summary>
    public int TargetCore(Packet p, NodeContext node)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(node);
        if (FlowSteering && node.RpsSockFlows.Lookup(p.Hash) is int core and >= 0) return core;
        // rps_map lookup: reciprocal_scale(hash, map length)
        return _map[(int)(((ulong)p.Hash * (uint)_map.Length) >> 32)];
    }
}
