using NetSim.Engine.Addressing;

namespace NetSim.Datapaths.Netfilter;

/// <summary>"-m addrtype [!] --src-type T [!] --dst-type T" (kube-proxy: "--dst-type LOCAL -j KUBE-NODEPORTS").</summary>
public sealed class AddrTypeMatch : NfMatch
{
    public AddrType? SourceType { get; init; }
    public bool SourceInvert { get; init; }
    public AddrType? DestinationType { get; init; }
    public bool DestinationInvert { get; init; }

    protected override bool Matches(ref NfHookState state)
    {
        ref var ip = ref state.Packet.Layer(state.IpIndex).Ipv4;
        if (SourceType is { } st && (TypeOf(ref state, ip.Source) == st) == SourceInvert) return false;
        if (DestinationType is { } dt && (TypeOf(ref state, ip.Destination) == dt) == DestinationInvert) return false;
        return true;
    }

    private static AddrType TypeOf(ref NfHookState state, Ipv4Address a)
    {
        if (a == Ipv4Address.Broadcast) return AddrType.Broadcast;
        if ((a.Value >> 28) == 0xE) return AddrType.Multicast;
        return state.Namespace.IsLocalAddress(a) ? AddrType.Local : AddrType.Unicast;
    }
}
