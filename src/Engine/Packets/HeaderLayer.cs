using System.Runtime.InteropServices;

namespace NetSim.Engine.Packets;

/// <summary>
/// One header in a packet's stack: a tagged union of the header structs (all plain values, so they can overlap).
/// A packet is an array of these; encapsulation pushes layers and decapsulation pops them, nothing is copied.
/// </summary>
[StructLayout(LayoutKind.Explicit)]
public struct HeaderLayer
{
    [FieldOffset(0)] public HeaderKind Kind;
    [FieldOffset(8)] public EthernetHeader Ethernet;
    [FieldOffset(8)] public Ipv4Header Ipv4;
    [FieldOffset(8)] public TcpHeader Tcp;
    [FieldOffset(8)] public UdpHeader Udp;
    [FieldOffset(8)] public IcmpHeader Icmp;
    [FieldOffset(8)] public VxlanHeader Vxlan;
    [FieldOffset(8)] public GeneveHeader Geneve;
    [FieldOffset(8)] public GreHeader Gre;
    [FieldOffset(8)] public WireGuardHeader WireGuard;
    [FieldOffset(8)] public EspHeader Esp;
    [FieldOffset(8)] public SctpHeader Sctp;
    [FieldOffset(8)] public WeaveSleeveHeader WeaveSleeve;
}
