using NetSim.Engine.Addressing;
using NetSim.Engine.Core;

namespace NetSim.Traffic.Applications;

/// <summary>iputils ping: an echo request every <see cref="Interval"/> (ping -i), <see cref="PayloadBytes"/> of data each (ping -s).</summary>
public sealed record PingOptions
{
    /// <summary>iputils' default data size: 56 bytes (64 with the ICMP header, 84 on IP).</summary>
    public const int DefaultPayloadBytes = 56;

    public string Name { get; init; } = "ping";
    public required Ipv4Address Destination { get; init; }
    /// <summary>Time between echo requests, sent whether or not replies came (ping's default 1 s).</summary>
    public SimTime Interval { get; init; } = SimTime.FromSeconds(1);
    public int PayloadBytes { get; init; } = DefaultPayloadBytes;
    public SimTime StartAt { get; init; } = SimTime.Zero;
    /// <summary>Stop sending after this long (ping -w); null = until <see cref="Count"/> echoes are sent.</summary>
    public SimTime? Duration { get; init; }
    /// <summary>Stop after this many echoes (ping -c); null = until <see cref="Duration"/> ends.</summary>
    public long? Count { get; init; }
    /// <summary>
    /// An echo unanswered this long is lost (ping -W). At a snapshot, echoes unanswered for twice the longest
    /// RTT seen so far are lost too (iputils waits 2 × max RTT for the last replies before it prints its summary).
    /// </summary>
    public SimTime Timeout { get; init; } = SimTime.FromSeconds(1);

    public void Validate()
    {
        if (Interval <= SimTime.Zero) throw new ArgumentOutOfRangeException(nameof(Interval), Interval, "the interval must be positive");
        if (Timeout <= SimTime.Zero) throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "the timeout must be positive");
        if (Duration is null && Count is null) throw new ArgumentException("set a duration or a count");
        if (Count is < 1) throw new ArgumentOutOfRangeException(nameof(Count), Count, "at least one echo");
        ArgumentOutOfRangeException.ThrowIfNegative(PayloadBytes);
    }
}
