namespace NetSim.Topologies.Simulation;

/// <summary>One traced packet: what it was ("SYN", "request", "response"), its hops and when it was sent.</summary>
public sealed record TracedPacket(string What, long SentAtPs, int WireBytes, IReadOnlyList<NetSim.Engine.Packets.HopRecord> Hops)
{
    /// <summary>The largest frame the packet was on a node's eth0, Ethernet header included (0: it never crossed one).</summary>
    public int NicFrameBytes { get; init; }

    /// <summary>Application bytes the packet carried (0 for a handshake segment or a pure ACK).</summary>
    public int PayloadBytes { get; init; }

    /// <summary>A DNS message (UDP or TCP, from or to port 53) or a segment of a DNS-over-TCP connection.</summary>
    public bool Dns { get; init; }
}
