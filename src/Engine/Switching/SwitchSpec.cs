using NetSim.Engine.Core;

namespace NetSim.Engine.Switching;

/// <summary>How a hardware switch or fabric router forwards: fixed latency, store-and-forward or cut-through.</summary>
public sealed record SwitchSpec
{
    /// <summary>Fixed forwarding latency (lookup, crossbar) from the moment forwarding may start; no CPU is involved.</summary>
    public SimTime ForwardingLatency { get; init; } = SimTime.Zero;
    /// <summary>
    /// Cut-through: forward as soon as the header is in, not the whole frame. Applies only when the egress port is
    /// idle and not faster than the ingress port (otherwise the frame would underrun); else store-and-forward.
    /// </summary>
    public bool CutThrough { get; init; }
    /// <summary>Bytes after the preamble needed to decide (0 = the switch's own default: 14 for L2, 34 for L3).</summary>
    public int CutThroughHeaderBytes { get; init; }
    /// <summary>Egress buffer per port in bytes (drop-tail); 0 keeps each link's own queue limit.</summary>
    public long PortBufferBytes { get; init; }
    /// <summary>ECN marking threshold per egress port in bytes; 0 keeps each link's own setting.</summary>
    public long EcnThresholdBytes { get; init; }
    /// <summary>How an L3 switch spreads flows over equal-cost next hops (and what losing one does to the others).</summary>
    public EcmpHashing EcmpHashing { get; init; } = EcmpHashing.Modulo;
    /// <summary>Buckets per ECMP group with resilient hashing (Cumulus Linux's default: 128).</summary>
    public int EcmpBuckets { get; init; } = 128;
}
