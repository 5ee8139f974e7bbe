using NetSim.Engine.Packets;

namespace NetSim.Topologies.Simulation;

/// <summary>
/// The walk of one traced exchange: each packet's hops in order (element, node, what it did, CPU/queue/wire
/// time), the total one-way and round-trip latency, and the path's MTU and header overhead.
/// </summary>
public sealed record TraceResult(
    string Datapath,
    string From,
    string To,
    IReadOnlyList<TracedPacket> Packets,
    long RoundTripPs)
{
    /// <summary>The kind of each element the walk passed (tcp, ip, netfilter, conntrack, nat, veth, vxlan, nic, wire, ...), by node and element name.</summary>
    public IReadOnlyDictionary<(string Node, string Element), string> Kinds { get; init; } = new Dictionary<(string, string), string>();

    /// <summary>The kind of one hop: wire time is the wire's; netfilter's parts are netfilter, conntrack or nat.</summary>
    public string KindOf(NetSim.Engine.Packets.HopRecord hop)
    {
        if (hop.WirePs > 0 && hop.CpuPs == 0) return "wire";
        if (Kinds.TryGetValue((hop.Node, hop.Element), out string? kind)) return kind;
        if (hop.Element.Contains("conntrack", StringComparison.Ordinal)) return "conntrack";
        if (hop.Element.Contains("/nat ", StringComparison.Ordinal)) return "nat";
        if (hop.Element.Contains("/netfilter ", StringComparison.Ordinal) || hop.Element.Contains("/filter ", StringComparison.Ordinal) ||
            hop.Element.Contains("/raw ", StringComparison.Ordinal) || hop.Element.Contains("/mangle ", StringComparison.Ordinal)) return "netfilter";
        return "other";
    }
}
