using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Addressing;
using NetSim.Topologies.Scenarios;

namespace NetSim.Topologies.Build;

/// <summary>A pod as built: its network namespace (shared by its containers), address and veth to the host, as its CNI ADD left them.</summary>
public sealed class BuiltPod
{
    public BuiltPod(PlacedPod placed, BuiltNode node, NetworkNamespace ns, Ipv4Address address, VethDevice? eth0)
    {
        Placed = placed;
        Node = node;
        Namespace = ns;
        Address = address;
        Eth0 = eth0;
    }

    public PlacedPod Placed { get; }
    public string Name => Placed.Name;
    public BuiltNode Node { get; }
    /// <summary>The pod's netns (the node's host netns for host-network pods and the host datapath).</summary>
    public NetworkNamespace Namespace { get; }
    public Ipv4Address Address { get; }
    /// <summary>eth0 in the pod; null for host-network pods.</summary>
    public VethDevice? Eth0 { get; }
    /// <summary>eth0's host-side peer (vethXXXX, caliXXXX, lxcXXXX); null for host-network pods.</summary>
    public VethDevice? HostVeth => Eth0?.Peer;
}
