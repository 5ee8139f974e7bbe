using NetSim.Datapaths.Conntrack;
using NetSim.Engine.Addressing;

namespace NetSim.Topologies.KubeProxy;

/// <summary>
/// One translated connection in the eBPF load balancer's own connection table (the CT and NAT maps of Cilium's
/// datapath, not netfilter's): the client, the frontend it addressed, the backend chosen, and the source NAT when
/// the backend's replies must come back through this node (NodePort to a remote backend, hairpin).
/// </summary>
internal sealed class BpfLbFlow
{
    public required ConntrackTuple Original { get; init; }
    public required ServiceEndpoint Backend { get; init; }
    /// <summary>The source the backend sees: the client's, or the SNAT address and port.</summary>
    public required Ipv4Address Source { get; init; }
    public required ushort SourcePort { get; init; }
    public bool SourceNat => Source != Original.Source || SourcePort != Original.SourcePort;
    /// <summary>The tuple the backend's replies carry.</summary>
    public ConntrackTuple ReplyKey => new(Backend.Ip, Source, Backend.Port, SourcePort, Original.Protocol);
    public long ExpiresAt { get; set; }
    /// <summary>A FIN or RST was seen: the entry lives only the close timeout past each packet.</summary>
    public bool Closing { get; set; }
}
