using NetSim.Engine.Addressing;
using NetSim.Engine.Nics;

namespace NetSim.Datapaths.Tunnels;

/// <summary>
/// A WireGuard peer: where its packets go (endpoint address and port), which inner addresses it may send and
/// receive (allowed-ips: cryptokey routing), and its serial half of the pipeline: the ordered transmit and receive
/// queues (tx_queue, rx_queue), the transmit worker's CPU (serial_work_cpu: its id modulo the online CPUs) and its
/// NAPI context with its GRO list. Handshakes and key rotation are not modelled: a session exists.
/// </summary>
public sealed class WireGuardPeer
{
    internal WireGuardPeer(uint index, Ipv4Address endpoint, ushort endpointPort, IReadOnlyList<Ipv4Prefix> allowedIps)
    {
        Index = index;
        Endpoint = endpoint;
        EndpointPort = endpointPort;
        AllowedIps = allowedIps;
    }

    /// <summary>The peer's id (internal_id, from 1), also the receiver index carried in the data messages sent to it.</summary>
    public uint Index { get; }
    /// <summary>The peer's current endpoint (updated when an authenticated packet arrives from elsewhere: roaming).</summary>
    public Ipv4Address Endpoint { get; internal set; }
    public ushort EndpointPort { get; internal set; }
    public IReadOnlyList<Ipv4Prefix> AllowedIps { get; }
    public ulong TxCounter { get; internal set; }
    public long RxPackets { get; internal set; }

    /// <summary>Entries waiting for their turn to be sent, in nonce order (encrypted or not yet; a GSO packet's segments are one).</summary>
    public int TxQueued => TxQueue.Count;
    /// <summary>Data messages waiting for their turn to be received, in arrival order (decrypted or not yet).</summary>
    public int RxQueued => RxQueue.Count;

    /// <summary>wg_cpumask_choose_online: the CPU its transmit worker runs on, of <paramref name="cores"/>.</summary>
    public int SerialCpu(int cores) => (int)(Index % (uint)cores);

    internal WireGuardBundleQueue TxQueue { get; } = new();
    internal WireGuardBundleQueue RxQueue { get; } = new();

    // wg_packet_tx_worker's state: its work (bound to the serial CPU), whether its kworker counts as a thread there
    // yet, and the bundle it is sending.
    internal WireGuardWork TxWork { get; set; } = null!;
    internal bool SerialThreadPlaced { get; set; }
    internal WireGuardPacketBundle? TxSending { get; set; }
    internal int TxNext { get; set; }

    // The peer's NAPI: scheduled on the CPU of the decrypt worker that scheduled it, and its GRO list.
    internal bool NapiScheduled { get; set; }
    internal int NapiCpu { get; set; }
    /// <summary>The last packet its NAPI handed up the stack (and its id, as packets are reused).</summary>
    internal Engine.Packets.Packet? LastUp { get; set; }
    internal long LastUpId { get; set; }
    internal GroTable Gro => _gro ??= new GroTable();
    private GroTable? _gro;

    public override string ToString() => $"peer {Endpoint}:{EndpointPort} allowed-ips {string.Join(',', AllowedIps)}";
}
