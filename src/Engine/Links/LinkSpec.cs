using NetSim.Engine.Core;

namespace NetSim.Engine.Links;

/// <summary>
/// The physical parameters of a full-duplex point-to-point link; both directions get the same values.
/// </summary>
public sealed record LinkSpec
{
    /// <summary>Line rate in bit/s (10 Gbit/s = 10_000_000_000).</summary>
    public required long RateBitsPerSecond { get; init; }
    /// <summary>One-way propagation delay (about 5 ns per metre of fibre or copper).</summary>
    public SimTime PropagationDelay { get; init; } = SimTime.Zero;
    /// <summary>Largest L3 packet (bytes after the Ethernet header) the link carries; larger frames are dropped.</summary>
    public int Mtu { get; init; } = 1500;
    /// <summary>Transmit queue capacity per direction in packet bytes (drop-tail beyond it); the frame on the wire is not counted.</summary>
    public long QueueLimitBytes { get; init; } = 1_000_000;
    /// <summary>ECN marking threshold in queued bytes (0 = off): ECT packets arriving above it are marked CE.</summary>
    public long EcnThresholdBytes { get; init; }
    /// <summary>Probability that a frame is lost on the wire (0 = lossless); needs a random stream.</summary>
    public double LossProbability { get; init; }

    /// <summary>Checks the values; throws <see cref="ArgumentException"/> naming the bad one.</summary>
    public void Validate()
    {
        if (RateBitsPerSecond <= 0) throw new ArgumentException($"link rate must be positive, not {RateBitsPerSecond} bit/s");
        if (PropagationDelay < SimTime.Zero) throw new ArgumentException("propagation delay must not be negative");
        if (Mtu < 68) throw new ArgumentException($"MTU {Mtu} is below the IPv4 minimum of 68");
        if (QueueLimitBytes < 0) throw new ArgumentException("queue limit must not be negative");
        if (EcnThresholdBytes < 0) throw new ArgumentException("ECN threshold must not be negative");
        if (LossProbability is < 0 or > 1 || double.IsNaN(LossProbability))
            throw new ArgumentException($"loss probability must be within [0, 1], not {LossProbability}");
    }
}
