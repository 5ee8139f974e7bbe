namespace NetSim.Engine.Packets;

/// <summary>VXLAN header (RFC 7348): 8 bytes with a 24-bit VNI.</summary>
public struct VxlanHeader
{
    public const int Size = 8;
    public uint Vni;
}
