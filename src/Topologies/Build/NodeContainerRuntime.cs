using System.Security.Cryptography;
using System.Text;
using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Namespaces;
using NetSim.Topologies.Cni;
using NetSim.Topologies.Cni.Plugins;
using NetSim.Topologies.Scenarios;

namespace NetSim.Topologies.Build;

/// <summary>
/// The container runtime of one node (containerd's CRI plugin) as far as networking goes: RunPodSandbox creates
/// the pod's netns, runs the loopback plugin, then the CNI ADD of the node's network configuration list with
/// kubelet's CNI_ARGS, and reads the pod's address and interface from the result; StopPodSandbox runs DEL in
/// reverse and removes the netns. A pod kubelet gave a device (a VF or a whole NIC of the datapath's device-plugin
/// resource) has it passed to its network as Multus does for an SR-IOV cluster network: "deviceID" in each plugin's
/// config and runtimeConfig.deviceID for plugins with that capability, on ADD, CHECK and DEL alike.
/// </summary>
public sealed class NodeContainerRuntime
{
    public const string PodInterfaceName = "eth0";

    private static readonly NetworkConfigList LoopbackNetwork =
        NetworkConfigList.Parse("""{"cniVersion":"1.0.0","name":"cni-loopback","plugins":[{"type":"loopback"}]}""");

    private readonly CniRuntime _cni;
    private readonly Dictionary<string, string> _devices = new(StringComparer.Ordinal);

    public NodeContainerRuntime(CniNode node, CniPluginRegistry plugins, NetworkConfigList network)
    {
        Node = node;
        Plugins = plugins;
        Network = network;
        _cni = new CniRuntime(plugins);
    }

    public CniNode Node { get; }
    public CniPluginRegistry Plugins { get; }
    /// <summary>The configuration list in /etc/cni/net.d that the runtime uses for pods.</summary>
    public NetworkConfigList Network { get; }

    /// <summary>
    /// libcni's ValidateNetworkList over the node's conflist (VERSION of each plugin and IPAM): the plugin types
    /// checked. A plugin that does not support the list's version is CNI error 1 (the scenario is refused).
    /// </summary>
    public IReadOnlyList<string> ValidateNetwork() => _cni.ValidateNetworkList(Network);

    /// <summary>VERSION of one plugin in the node's CNI_PATH (its JSON output).</summary>
    public System.Text.Json.Nodes.JsonObject PluginVersion(string type) => _cni.Version(type, Network.SelectedVersion);

    /// <summary>Capability arguments the runtime passes to plugins that ask for them (portMappings, bandwidth ...).</summary>
    public Dictionary<string, System.Text.Json.Nodes.JsonNode> CapabilityArgs => _cni.CapabilityArgs;

    /// <summary>The final ADD result of a pod (what the runtime caches for CHECK and DEL), or null.</summary>
    public CniResult? Result(PlacedPod pod) => _cni.CachedResult(Network.Name, SandboxId(pod), PodInterfaceName);

    public BuiltPod RunPodSandbox(BuiltNode node, PlacedPod pod, NetworkNamespace netns, string deviceId = "")
    {
        var args = Args(pod);
        Node.AddNetns(args.NetNs, netns);
        netns.Loopback.IsUp = false; // a new netns has lo down until the loopback plugin sets it up
        if (deviceId.Length > 0) _devices[args.ContainerId] = deviceId;
        try
        {
            _cni.Add(LoopbackNetwork, args with { IfName = "lo" });
            var result = WithDevice(args, net => _cni.Add(net, args));
            return Pod(node, pod, netns, result);
        }
        catch (CniException)
        {
            if (_cni.CachedResult(LoopbackNetwork.Name, args.ContainerId, "lo") is not null) _cni.Del(LoopbackNetwork, args with { IfName = "lo" });
            Node.RemoveNetns(args.NetNs);
            if (_devices.Remove(args.ContainerId)) Node.Devices?.ReleaseDevice(deviceId);
            throw;
        }
    }

    /// <summary>CNI CHECK of the pod's attachment (loopback and the pod network).</summary>
    public void CheckPodSandbox(PlacedPod pod)
    {
        var args = Args(pod);
        _cni.Check(LoopbackNetwork, args with { IfName = "lo" });
        WithDevice(args, net =>
        {
            _cni.Check(net, args);
            return 0;
        });
    }

    public void StopPodSandbox(PlacedPod pod)
    {
        var args = Args(pod);
        WithDevice(args, net =>
        {
            _cni.Del(net, args);
            return 0;
        });
        _cni.Del(LoopbackNetwork, args with { IfName = "lo" });
        Node.RemoveNetns(args.NetNs);
        if (_devices.Remove(args.ContainerId)) Node.Devices?.Release($"{pod.Namespace}/{pod.Name}");
    }

    /// <summary>Runs <paramref name="call"/> on the pod's network, with its device in the config and the runtime's capability args while it runs.</summary>
    private T WithDevice<T>(CniArgs args, Func<NetworkConfigList, T> call)
    {
        if (!_devices.TryGetValue(args.ContainerId, out string? pci)) return call(Network);
        _cni.CapabilityArgs["deviceID"] = System.Text.Json.Nodes.JsonValue.Create(pci);
        try
        {
            return call(Network.WithDeviceId(pci));
        }
        finally
        {
            _cni.CapabilityArgs.Remove("deviceID");
        }
    }

    /// <summary>The pod's address is the result's first IPv4; its interface the result's sandbox interface.</summary>
    private static BuiltPod Pod(BuiltNode node, PlacedPod pod, NetworkNamespace netns, CniResult result)
    {
        var ip = result.Ips.FirstOrDefault(i => !i.Address.Contains(':', StringComparison.Ordinal))
            ?? throw new CniException(CniException.Internal, "the CNI result has no IPv4 address");
        var eth0 = PodInterface.Find(netns, PodInterfaceName) as VethDevice;
        return new BuiltPod(pod, node, netns, PodInterface.AddressOf(ip), eth0);
    }

    /// <summary>The CNI parameters kubelet's runtime passes: a sandbox id, the netns path and the K8S_* args.</summary>
    public static CniArgs Args(PlacedPod pod)
    {
        string id = SandboxId(pod);
        return new CniArgs("ADD", id, $"/var/run/netns/cni-{id[..8]}-{id[8..12]}-{id[12..16]}", PodInterfaceName,
            $"IgnoreUnknown=1;K8S_POD_NAMESPACE={pod.Namespace};K8S_POD_NAME={pod.Name};K8S_POD_INFRA_CONTAINER_ID={id}");
    }

    /// <summary>A 64-hex sandbox id, stable per pod so runs are reproducible.</summary>
    public static string SandboxId(PlacedPod pod) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{pod.Namespace}/{pod.Name}")));
}
