using NetSim.Engine.Addressing;
using NetSim.Engine.Core;
using NetSim.Traffic.Transport.Tcp;

namespace NetSim.Traffic.Applications;

/// <summary>Transport of a bulk stream.</summary>
public enum StreamProtocol
{
    Tcp,
    Udp,
}

/// <summary>
/// iperf3-like bulk transfer: <see cref="Streams"/> parallel streams (-P) for a duration (-t) or a byte count (-n,
/// split evenly), reporting throughput every <see cref="Interval"/> (-i). UDP streams send at
/// <see cref="TargetBitsPerSecond"/> each (-b applies per stream, as in iperf3).
/// </summary>
public sealed record BulkStreamOptions
{
    public string Name { get; init; } = "iperf3";
    public required Ipv4Address Server { get; init; }
    public ushort Port { get; init; } = 5201;
    public StreamProtocol Protocol { get; init; } = StreamProtocol.Tcp;
    public int Streams { get; init; } = 1;
    public SimTime StartAt { get; init; } = SimTime.Zero;
    /// <summary>How long to send; null when <see cref="Bytes"/> is set.</summary>
    public SimTime? Duration { get; init; } = SimTime.FromSeconds(10);
    /// <summary>Total bytes across streams; when set, each stream sends its share and closes.</summary>
    public long? Bytes { get; init; }
    public SimTime Interval { get; init; } = SimTime.FromSeconds(1);
    /// <summary>TCP write size per send() (iperf3 -l, 128 KiB by default).</summary>
    public int WriteBytes { get; init; } = 128 * 1024;
    /// <summary>UDP datagram payload (iperf3 -l); null = iperf3's default, its control connection's TCP MSS (MTU − 52 with timestamps).</summary>
    public int? DatagramBytes { get; init; }
    /// <summary>UDP target rate per stream (iperf3's default is 1 Mbit/s).</summary>
    public long TargetBitsPerSecond { get; init; } = 1_000_000;
    public TcpSocketOptions? Tcp { get; init; }

    public void Validate()
    {
        if (Streams < 1) throw new ArgumentOutOfRangeException(nameof(Streams), Streams, "at least one stream");
        if (Duration is null && Bytes is null) throw new ArgumentException("set a duration or a byte count");
        if (Bytes is < 1) throw new ArgumentOutOfRangeException(nameof(Bytes), Bytes, "at least one byte");
        if (Interval.Picoseconds <= 0) throw new ArgumentOutOfRangeException(nameof(Interval), Interval, "the interval must be positive");
        if (WriteBytes < 1) throw new ArgumentOutOfRangeException(nameof(WriteBytes), WriteBytes, "at least one byte per write");
        if (Protocol == StreamProtocol.Udp && TargetBitsPerSecond <= 0)
            throw new ArgumentOutOfRangeException(nameof(TargetBitsPerSecond), TargetBitsPerSecond, "UDP needs a positive target rate");
    }
}
