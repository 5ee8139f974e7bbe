using NetSim.Engine.Elements;
using NetSim.Traffic.Metrics;

namespace NetSim.Traffic.Transport;

/// <summary>
/// What a namespace's datagram-like protocol (UDP, ICMP's ping sockets, SCTP) shares: registered with the namespace
/// for its IP protocol, the profile's socket costs, the flow table, and system-call work on a core.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "A protocol implementation is a 'stack', as TcpStack and UdpStack.")]
public abstract class TransportStack : PacketElement
{
    protected TransportStack(INetworkNamespace ns, FlowTable flows, string name, byte protocol) : base(Required(ns).Node, name)
    {
        ArgumentNullException.ThrowIfNull(flows);
        Namespace = ns;
        Flows = flows;
        Costs = new TransportCosts(ns.Node.Costs);
        flows.Attach(ns.Node.Pool);
        ns.RegisterProtocol(protocol, this);
    }

    public INetworkNamespace Namespace { get; }
    public FlowTable Flows { get; }
    public TransportCosts Costs { get; }

    /// <summary>Work outside any packet (system calls, copies) on a core, as drawn for this call; returns when it finishes.</summary>
    internal long ChargeCpu(int core, long workPs) => Node.Cpu[core].Execute(Node.Sim.NowPicoseconds, Node.Draws.Task(workPs), Engine.Cpu.CpuContext.Process, out _);

    private static INetworkNamespace Required(INetworkNamespace ns)
    {
        ArgumentNullException.ThrowIfNull(ns);
        return ns;
    }
}
