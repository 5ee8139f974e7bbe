namespace NetSim.Topologies.Scenarios.Model;

/// <summary>A node's NIC: line rate, MTU, queues, RX ring size and offloads.</summary>
public sealed record NicSpec(long RateBps, int Mtu, int Queues, bool Tso, bool TunnelTso, bool Gro, bool ChecksumOffload)
{
    /// <summary>The driver's default RX ring when a scenario does not set one (the engine's default; mlx5's is also 1024).</summary>
    public const int DefaultRxRing = 1024;

    /// <summary>RX descriptors per queue (ethtool -G rx); frames arriving at a full ring are dropped.</summary>
    public int RxRing { get; init; } = DefaultRxRing;

    /// <summary>The NIC verifies the inner checksum of tunnelled packets (rx-udp_tunnel-port-offload); see NicOffloads.TunnelRxChecksum.</summary>
    public bool TunnelRxChecksum { get; init; } = true;

    /// <summary>RPS on every RX queue over all the node's cores (rps_cpus); off by default, as in the kernel.</summary>
    public bool Rps { get; init; }

    /// <summary>
    /// The Linux driver (NetSim.Engine.Nics.NicDrivers: i40e, ice, ixgbe, mlx5, virtio_net, ena), which sets the RX
    /// interrupt moderation; null: the cost profile's (its reference machine's NIC).
    /// </summary>
    public string? Driver { get; init; }

    /// <summary>RFS on top of RPS (rps_sock_flow_entries, rps_flow_cnt): steer to the flow's reader's core.</summary>
    public bool Rfs { get; init; }
}
