using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Addressing;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Build.Cni;

/// <summary>
/// What a CNI datapath does to a cluster, in the order a real cluster does it: prepare each node (bridges,
/// tunnel devices, host programs), attach each pod (the CNI ADD: netns, veth, address, routes), then connect the
/// nodes (routes, VTEP entries, BGP) once every node exists.
/// </summary>
public abstract class PodNetwork
{
    protected PodNetwork(ClusterContext cluster) => Cluster = cluster;

    protected ClusterContext Cluster { get; }

    /// <summary>The MTU pods get: the NIC MTU minus the encapsulation (or the scenario's explicit MTU).</summary>
    public virtual int PodMtu(BuiltNode node) =>
        Cluster.Scenario.Cni.Mtu > 0 ? Cluster.Scenario.Cni.Mtu : node.Spec.Nic.Mtu - EncapsulationOverhead;

    protected virtual int EncapsulationOverhead => 0;

    public abstract void PrepareNode(BuiltNode node);

    public abstract BuiltPod AddPod(BuiltNode node, PlacedPod pod);

    public abstract void ConnectNodes(IReadOnlyList<BuiltNode> nodes);

    /// <summary>A new pod namespace, with the veth pair to the host and its address, default route via the gateway.</summary>
    protected (NetworkNamespace Ns, VethPair Veth) PodNamespace(BuiltNode node, PlacedPod pod, string hostVethName, Ipv4Address ip, int prefixLength)
    {
        var ns = new NetworkNamespace(node.Context, $"pod/{pod.Name}", Cluster.Random($"{node.Name}/pod/{pod.Name}"));
        var veth = new VethPair(ns, "eth0", node.Host, hostVethName, PodMtu(node));
        ns.AddAddress(veth.A, $"{ip}/{prefixLength}");
        return (ns, veth);
    }

    /// <summary>A host-side interface name in the style of each CNI: a prefix and a hash of the pod ("veth1a2b3c4d", "cali…", "lxc…").</summary>
    protected static string HostVethName(string prefix, PlacedPod pod)
    {
        uint h = 2166136261;
        foreach (char c in pod.Namespace + "/" + pod.Name) h = (h ^ c) * 16777619;
        string name = prefix + h.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
        return name.Length <= 15 ? name : name[..15];
    }
}
