using System.Text.Json.Nodes;

namespace NetSim.Topologies.Cni.Plugins;

/// <summary>
/// Multus CNI (k8snetworkplumbingwg/multus-cni), the meta-plugin: ADD runs the cluster network ("delegates"[0], the
/// CNI the cluster was installed with) for CNI_IFNAME (eth0), then each network the pod's k8s.v1.cni.cncf.io/networks
/// annotation selects, in order, as net1, net2 ... (or the interface the selection names), each from its
/// NetworkAttachmentDefinition's spec.config; a definition with a k8s.v1.cni.cncf.io/resourceName gets the device
/// kubelet allocated to the pod from that resource as "deviceID". It writes the pod's network-status and returns the
/// cluster network's result. A failure undoes what was attached (DEL of each, in reverse) and fails the ADD. DEL runs
/// the delegates it cached at ADD in reverse; CHECK checks each.
/// </summary>
public sealed class MultusPlugin : ICniPlugin
{
    private readonly CniNode _node;
    private readonly NetworkAttachmentStore _store;
    private readonly Dictionary<string, List<(NetworkConfigList Net, CniArgs Args, string Network)>> _cache = new(StringComparer.Ordinal);
    private CniRuntime? _delegates;

    public MultusPlugin(CniNode node, NetworkAttachmentStore store)
    {
        _node = node;
        _store = store;
    }

    public string Type => "multus";

    public CniResult Add(CniRequest request)
    {
        var runtime = _delegates ??= new CniRuntime(request.Plugins);
        var cluster = ClusterNetwork(request);
        string ns = request.Args.Arg("K8S_POD_NAMESPACE") ?? "default", pod = request.Args.Arg("K8S_POD_NAME") ?? "";
        string who = $"[{ns}/{pod}/{request.Args.ContainerId[..8]}]";
        var done = new List<(NetworkConfigList Net, CniArgs Args, string Network)>();
        var status = new List<NetworkStatus>();
        CniResult first;
        try
        {
            first = runtime.Add(cluster, request.Args);
        }
        catch (CniException e)
        {
            throw e.WithPrefix($"Multus: {who}: error adding container to network \"{cluster.Name}\": ");
        }
        done.Add((cluster, request.Args, cluster.Name));
        status.Add(Status(cluster.Name, request.Args, first, true, ""));
        foreach (var sel in _store.Selections(ns, pod))
        {
            string pci = "";
            try
            {
                var def = _store.Definition(sel.Namespace, sel.Name) ?? throw new CniException(CniException.Internal,
                    $"GetNetworkDelegates: failed getting the delegate: getKubernetesDelegate: cannot find a network-attachment-definition ({sel.Name}) in namespace ({sel.Namespace})");
                if (def.Resource.Length > 0)
                    pci = (_node.Devices ?? throw new CniException(CniException.TryAgainLater, $"UnexpectedAdmissionError: Allocate failed due to unknown resource {def.Resource}, which is unexpected"))
                        .Allocate($"{ns}/{pod}", def.Resource);
                var net = Delegate(def.CniConfig(), pci);
                var args = request.Args with { IfName = sel.Interface };
                // A plugin asking for the "deviceID" capability (host-device) gets it as runtimeConfig.deviceID.
                if (pci.Length > 0) runtime.CapabilityArgs["deviceID"] = JsonValue.Create(pci);
                CniResult r;
                try
                {
                    r = runtime.Add(net, args);
                }
                finally
                {
                    runtime.CapabilityArgs.Remove("deviceID");
                }
                done.Add((net, args, $"{sel.Namespace}/{sel.Name}"));
                status.Add(Status($"{sel.Namespace}/{sel.Name}", args, r, false, pci));
            }
            catch (CniException e)
            {
                Undo(runtime, done);
                if (pci.Length > 0) _node.Devices?.ReleaseDevice(pci);
                _node.Devices?.Release($"{ns}/{pod}");
                throw e.WithPrefix($"Multus: {who}: error adding container to network \"{sel.Name}\": ");
            }
        }
        _cache[request.Args.ContainerId] = done;
        _store.SetStatus(ns, pod, status);
        return first;
    }

    public void Del(CniRequest request)
    {
        string ns = request.Args.Arg("K8S_POD_NAMESPACE") ?? "default", pod = request.Args.Arg("K8S_POD_NAME") ?? "";
        if (_cache.Remove(request.Args.ContainerId, out var done) && _delegates is { } runtime) Undo(runtime, done);
        _node.Devices?.Release($"{ns}/{pod}");
        _store.ClearStatus(ns, pod);
    }

    public void Check(CniRequest request)
    {
        if (!_cache.TryGetValue(request.Args.ContainerId, out var done) || _delegates is not { } runtime)
            throw new CniException(CniException.UnknownContainer, $"Multus: no delegates cached for {request.Args.ContainerId}");
        foreach (var (net, args, _) in done) runtime.Check(net, args with { Command = "CHECK" });
    }

    /// <summary>delegates[0]: the cluster network's configuration (list) as Multus' generated 00-multus.conf embeds it.</summary>
    private static NetworkConfigList ClusterNetwork(CniRequest request)
    {
        if (request.Config["delegates"] is not JsonArray { Count: > 0 } delegates || delegates[0] is not JsonObject cluster)
            throw new CniException(CniException.InvalidNetworkConfig, "multus: must have either delegates or clusterNetwork");
        return NetworkConfigList.Parse(cluster.ToJsonString());
    }

    /// <summary>A definition's spec.config, with "deviceID" set on each plugin when kubelet allocated a device (delegateAddDeviceID).</summary>
    private static NetworkConfigList Delegate(string config, string pci) =>
        pci.Length == 0 ? NetworkConfigList.Parse(config) : NetworkConfigList.Parse(config).WithDeviceId(pci);

    private static void Undo(CniRuntime runtime, List<(NetworkConfigList Net, CniArgs Args, string Network)> done)
    {
        for (int i = done.Count - 1; i >= 0; i--)
        {
            try
            {
                runtime.Del(done[i].Net, done[i].Args with { Command = "DEL" });
            }
            catch (CniException)
            {
                // Multus goes on with the other delegates' DEL; the first error is the one reported.
            }
        }
    }

    private static NetworkStatus Status(string network, CniArgs args, CniResult r, bool isDefault, string pci)
    {
        var iface = r.Interfaces.FirstOrDefault(i => i.Name == args.IfName && i.Sandbox == args.NetNs);
        return new NetworkStatus(network, args.IfName, r.Ips.Select(i => i.Address[..i.Address.IndexOf('/', StringComparison.Ordinal)]).ToList(), iface?.Mac ?? "", isDefault, pci);
    }
}
