namespace NetSim.Engine.Packets;

/// <summary>UDP header: 8 bytes.</summary>
public struct UdpHeader
{
    public const int Size = 8;
    public ushort SourcePort;
    public ushort DestinationPort;
    /// <summary>
    /// The sender left the checksum field 0 (RFC 768: no checksum computed), as a UDP tunnel without udpcsum does
    /// (VXLAN_F_UDP_ZERO_CSUM_TX; an OVS or BPF tunnel key without TUNNEL_CSUM). False: a real checksum.
    /// </summary>
    public bool ZeroChecksum;
}
