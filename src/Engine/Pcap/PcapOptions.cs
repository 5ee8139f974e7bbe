using NetSim.Engine.Packets;

namespace NetSim.Engine.Pcap;

/// <summary>How a <see cref="PcapWriter"/> captures: link type, snap length, size cap and an optional filter.</summary>
public sealed record PcapOptions
{
    /// <summary>tcpdump's default snap length (MAXIMUM_SNAPLEN), large enough for a 64 KB GSO super-packet.</summary>
    public const int DefaultSnapLength = 262_144;

    /// <summary>
    /// Ethernet (default) writes frames as they are; a packet captured where it has no Ethernet header (an L3 point
    /// such as a tun or WireGuard device) gets a fabricated 14-byte header with zero MACs. RawIp strips the
    /// outer Ethernet instead, so every record starts at the outermost IPv4 header.
    /// </summary>
    public PcapLinkType LinkType { get; init; } = PcapLinkType.Ethernet;

    /// <summary>Bytes of each packet kept (tcpdump -s); the record still states the full original length.</summary>
    public int SnapLength { get; init; } = DefaultSnapLength;

    /// <summary>
    /// The file never grows beyond this many bytes (global header included). The first packet that would cross it
    /// stops the capture; it and every later packet are counted as skipped, so the file is a prefix in time.
    /// </summary>
    public long MaxFileBytes { get; init; } = long.MaxValue;

    /// <summary>Only packets for which this returns true are captured (tcpdump's filter expression); null = all.</summary>
    public Predicate<Packet>? Filter { get; init; }
}
