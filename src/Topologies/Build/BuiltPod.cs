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

    /// <summary>Its k8s.v1.cni.cncf.io/network-status as Multus wrote it: eth0 on the cluster network, then net1, net2 ... (empty without Multus).</summary>
    public IReadOnlyList<NetSim.Topologies.Cni.Plugins.NetworkStatus> NetworkStatus { get; set; } = [];

    /// <summary>The pod's address on interface <paramref name="iface"/> (eth0: <see cref="Address"/>), or null if it has no such attachment.</summary>
    public Ipv4Address? AddressOn(string? iface)
    {
        if (iface is null || iface == "eth0") return Address;
        var s = NetworkStatus.FirstOrDefault(n => n.Interface == iface);
        return s is { Ips.Count: > 0 } ? Ipv4Address.Parse(s.Ips[0]) : null;
    }
}
