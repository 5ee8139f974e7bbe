using NetSim.Datapaths.Common;
using NetSim.Datapaths.Netfilter;

namespace NetSim.Topologies.Policy;

/// <summary>"-m multiport --sports|--dports a,b:c": the packet's source (or destination) port is in one of the ranges (Felix's rendering of ports / notPorts).</summary>
public sealed class PortListMatch(IReadOnlyList<PortEntry> ports, bool matchSource) : NfMatch
{
    private readonly PortEntry[] _ports = [.. ports];

    protected override bool Matches(ref NfHookState state)
    {
        if (!PacketFields.TryGetPorts(state.Packet, state.TransportIndex, out ushort sport, out ushort dport)) return false;
        ushort port = matchSource ? sport : dport;
        foreach (var r in _ports)
            if (r.Matches(0, port)) return true;
        return false;
    }

    public override string ToString() => $"{(Invert ? "! " : "")}multiport {(matchSource ? "--sports" : "--dports")} {string.Join(",", _ports.Select(p => p.First == p.Last ? $"{p.First}" : $"{p.First}:{p.Last}"))}";
}
