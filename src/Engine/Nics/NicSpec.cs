using NetSim.Engine.Addressing;

namespace NetSim.Engine.Nics;

/// <summary>How a NIC is built: queues, address, MTU, offloads and the NAPI/GRO limits of its driver.</summary>
public sealed record NicSpec
{
    /// <summary>The interface index (ifindex) stamped on received packets as their ingress interface.</summary>
    public int IfIndex { get; init; } = 1;
    public MacAddress Mac { get; init; } = MacAddress.LocallyAdministered(1);
    /// <summary>Largest L3 packet sent or accepted, without the Ethernet header.</summary>
    public int Mtu { get; init; } = 1500;
    public int TxQueues { get; init; } = 1;
    public int RxQueues { get; init; } = 1;
    public NicOffloads Offloads { get; init; } = NicOffloads.All;
    /// <summary>RX descriptors per queue (ethtool -g); frames arriving at a full ring are dropped.</summary>
    public int RxRingSize { get; init; } = 1024;
    /// <summary>Frames one NAPI poll may process (the driver weight, 64 in Linux).</summary>
    public int NapiBudget { get; init; } = 64;
    /// <summary>Largest GRO-merged packet, IPv4 total length (GRO_LEGACY_MAX_SIZE: the 16-bit IP length).</summary>
    public int GroMaxBytes { get; init; } = 65535;
    /// <summary>
    /// The driver's RX interrupt moderation (<see cref="NicDrivers"/>); null: the node's cost profile's
    /// (<c>variability.interrupt_moderation</c>, the reference machine's NIC). A fixed <c>nic.rx_coalescing</c> overrides
    /// either, as <c>ethtool -C adaptive-rx off rx-usecs N</c> does.
    /// </summary>
    public Costs.InterruptModeration? Moderation { get; init; }
    /// <summary>
    /// The kernel lets udp_gro_receive merge UDP-tunnel frames whose outer checksum is zero (Linux 5.12, commit
    /// 89e5c58fc1e2 "net: Fix gro aggregation for udp encaps with zero csum", and the stable kernels it was backported to
    /// in 2021, e.g. 4.9.268, 4.19.181, 5.4.106). Before it, such a frame was merged only when the NIC
    /// had verified its inner checksum (<see cref="RxChecksum.TunnelGroAllowed(Packets.Packet, NicOffloads, bool)"/>).
    /// </summary>
    public bool ZeroChecksumTunnelGro { get; init; } = true;
    /// <summary>Accept frames for any destination MAC (otherwise frames for other unicast MACs are dropped).</summary>
    public bool Promiscuous { get; init; }

    public void Validate()
    {
        if (Mtu < 68) throw new ArgumentException($"NIC MTU {Mtu} is below the IPv4 minimum of 68");
        if (TxQueues < 1 || RxQueues < 1) throw new ArgumentException("a NIC needs at least one TX and one RX queue");
        if (RxRingSize < 1) throw new ArgumentException("RX ring size must be positive");
        if (NapiBudget < 1) throw new ArgumentException("NAPI budget must be positive");
        if (GroMaxBytes < 68) throw new ArgumentException("GRO maximum size must be at least 68 bytes");
    }
}
