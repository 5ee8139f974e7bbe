using NetSim.Engine.Addressing;

namespace NetSim.Datapaths.Tunnels;

/// <summary>
/// A WireGuard peer: where its packets go (endpoint address and port) and which inner addresses it may send and
/// receive (allowed-ips: cryptokey routing). Handshakes and key rotation are not modelled: a session exists.
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

    /// <summary>The receiver index carried in the data messages sent to this peer.</summary>
    public uint Index { get; }
    /// <summary>The peer's current endpoint (updated when an authenticated packet arrives from elsewhere: roaming).</summary>
    public Ipv4Address Endpoint { get; internal set; }
    public ushort EndpointPort { get; internal set; }
    public IReadOnlyList<Ipv4Prefix> AllowedIps { get; }
    public ulong TxCounter { get; internal set; }
    public long RxPackets { get; internal set; }

    public override string ToString() => $"peer {Endpoint}:{EndpointPort} allowed-ips {string.Join(',', AllowedIps)}";
}
