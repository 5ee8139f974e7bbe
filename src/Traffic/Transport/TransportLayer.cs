using NetSim.Engine.Elements;
using NetSim.Traffic.Metrics;
using NetSim.Traffic.Transport.Icmp;
using NetSim.Traffic.Transport.Sctp;
using NetSim.Traffic.Transport.Tcp;
using NetSim.Traffic.Transport.Udp;

namespace NetSim.Traffic.Transport;

/// <summary>
/// The sockets of one network namespace: its TCP and UDP, registered with the namespace for protocols 6 and 17, and
/// its ping sockets (protocol 1) and SCTP (132), each registered only once wanted.
/// </summary>
public sealed class TransportLayer
{
    public TransportLayer(INetworkNamespace ns, FlowTable flows, TcpSocketOptions? tcpDefaults = null)
    {
        ArgumentNullException.ThrowIfNull(ns);
        Namespace = ns;
        Flows = flows;
        Tcp = new TcpStack(ns, flows, tcpDefaults);
        Udp = new UdpStack(ns, flows);
    }

    public INetworkNamespace Namespace { get; }
    public FlowTable Flows { get; }
    public TcpStack Tcp { get; }
    public UdpStack Udp { get; }

    /// <summary>The namespace's ICMP echo sockets (created, and registered for protocol 1, on first use).</summary>
    public IcmpStack Icmp => _icmp ??= new IcmpStack(Namespace, Flows, Tcp, Udp);

    /// <summary>The namespace's SCTP (created, and registered for protocol 132, on first use).</summary>
    public SctpStack Sctp => _sctp ??= new SctpStack(Namespace, Flows);

    private IcmpStack? _icmp;
    private SctpStack? _sctp;
}
