using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Addressing;
using NetSim.Topologies.Scenarios;

namespace NetSim.Topologies.Build;

/// <summary>A pod as built: its network namespace (shared by its containers), address and veth to the host.</summary>
public sealed class BuiltPod
{
    public BuiltPod(PlacedPod placed, BuiltNode node, NetworkNamespace ns, Ipv4Address address, VethPair? veth)
    {
        Placed = placed;
        Node = node;
        Namespace = ns;
        Address = address;
        Veth = veth;
    }

    public PlacedPod Placed { get; }
    public string Name => Placed.Name;
    public BuiltNode Node { get; }
    /// <summary>The pod's netns (the node's host netns for host-network pods and the host datapath).</summary>
    public NetworkNamespace Namespace { get; }
    public Ipv4Address Address { get; }
    /// <summary>eth0 in the pod (A) and its host-side peer (B); null for host-network pods.</summary>
    public VethPair? Veth { get; }
}
