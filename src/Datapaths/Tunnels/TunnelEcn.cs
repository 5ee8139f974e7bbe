using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Tunnels;

/// <summary>
/// ECN across a tunnel (RFC 6040, the kernel's INET_ECN_encapsulate / INET_ECN_decapsulate): the outer header
/// copies the inner ECT codepoint (CE becomes ECT(0)); on decapsulation a CE mark on the outer header is carried
/// into an ECN-capable inner header.
/// </summary>
public static class TunnelEcn
{
    public static EcnCodepoint Encapsulate(EcnCodepoint inner) =>
        inner == EcnCodepoint.CongestionExperienced ? EcnCodepoint.Ect0 : inner;

    public static EcnCodepoint Decapsulate(EcnCodepoint outer, EcnCodepoint inner) =>
        outer == EcnCodepoint.CongestionExperienced && inner != EcnCodepoint.NotEct ? EcnCodepoint.CongestionExperienced : inner;
}
