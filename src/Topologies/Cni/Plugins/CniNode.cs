using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Addressing;

namespace NetSim.Topologies.Cni.Plugins;

/// <summary>
/// A node as its CNI plugins see it: the host network namespace they configure, the pod network namespaces the
/// container runtime created (by CNI_NETNS path), the files agents leave for their plugins (flannel's subnet.env),
/// and the local endpoints an agent's programs serve (Cilium's endpoint map, Calico's workload endpoints).
/// </summary>
public sealed class CniNode
{
    private readonly Dictionary<string, NetworkNamespace> _netns = new(StringComparer.Ordinal);

    public CniNode(string name, NetworkNamespace host)
    {
        Name = name;
        Host = host;
    }

    public string Name { get; }
    public NetworkNamespace Host { get; }

    /// <summary>net.bridge.bridge-nf-call-iptables: on for every Kubernetes node (kubeadm's preflight requires it).</summary>
    public bool BridgeNfCallIptables { get; init; } = true;

    /// <summary>/run/flannel/subnet.env, written by flanneld once it holds a lease; null before.</summary>
    public FlannelSubnetEnv? FlannelSubnet { get; set; }

    /// <summary>The pods on this node an agent serves, in creation order: pod address and host-side veth.</summary>
    public List<(Ipv4Address Ip, VethDevice HostVeth)> LocalEndpoints { get; } = new();

    /// <summary>CHECK for a routed-veth plugin: the pod's interface exists and its host end is a registered endpoint.</summary>
    public void CheckLocalEndpoint(CniRequest request, string pluginType)
    {
        var netns = Netns(request.Args.NetNs);
        if (PodInterface.Find(netns, request.Args.IfName) is not VethDevice pod)
            throw new CniException(CniException.Internal, $"{pluginType}: container interface {request.Args.IfName} not found");
        if (!LocalEndpoints.Any(e => e.HostVeth == pod.Peer))
            throw new CniException(CniException.Internal, $"{pluginType}: no endpoint for {request.Args.ContainerId}");
    }

    /// <summary>The node's network PCI functions (sysfs): its secondary NICs' PFs and SR-IOV VFs.</summary>
    public List<PciNetFunction> PciFunctions { get; } = new();

    /// <summary>kubelet's device manager with the SR-IOV device plugin's VFs (null: the node advertises no devices).</summary>
    public KubeletDevices? Devices { get; set; }

    /// <summary>The runtime created a netns and bind-mounted it at <paramref name="path"/>.</summary>
    public void AddNetns(string path, NetworkNamespace ns) => _netns.Add(path, ns);

    /// <summary>The runtime removed the netns at <paramref name="path"/>.</summary>
    public void RemoveNetns(string path) => _netns.Remove(path);

    /// <summary>Opens CNI_NETNS as a plugin does (ns.GetNS); the spec's code 8 when it does not exist.</summary>
    public NetworkNamespace Netns(string path) =>
        TryNetns(path) ?? throw new CniException(CniException.InvalidNetNs, $"failed to open netns \"{path}\": no such file or directory");

    public NetworkNamespace? TryNetns(string path) => _netns.GetValueOrDefault(path);
}
