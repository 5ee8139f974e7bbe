using NetSim.Datapaths.Netfilter;
using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;

namespace NetSim.Topologies.Policy;

/// <summary>
/// "-m set --match-set cali40n… src|dst" over a hash:net ipset: the packet's source (or destination) is inside one of
/// the CIDRs. Felix renders a Calico rule's nets and notNets (with "!") this way; each test is one <c>ipset.lookup</c>.
/// </summary>
public sealed class NetSetMatch(IReadOnlyList<Ipv4Prefix> nets, bool matchSource) : NfMatch
{
    private readonly Ipv4Prefix[] _nets = [.. nets];

    protected override bool Matches(ref NfHookState state)
    {
        Packet p = state.Packet;
        ref Ipv4Header ip = ref p.Layer(state.IpIndex).Ipv4;
        state.CostPs += state.Namespace.Costs.IpsetLookup.For(p.Length);
        var a = matchSource ? ip.Source : ip.Destination;
        foreach (var n in _nets)
            if (n.Contains(a)) return true;
        return false;
    }

    public override string ToString() => $"{(Invert ? "! " : "")}match-set nets {(matchSource ? "src" : "dst")} ({string.Join(",", _nets)})";
}
