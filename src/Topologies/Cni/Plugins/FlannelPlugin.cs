using System.Text.Json.Nodes;

namespace NetSim.Topologies.Cni.Plugins;

/// <summary>
/// The flannel meta-plugin (flannel-io/cni-plugin, reference §1.5): reads /run/flannel/subnet.env and delegates
/// to the bridge plugin with a generated configuration — ipMasq = not FLANNEL_IPMASQ, mtu = FLANNEL_MTU,
/// isGateway on, and host-local IPAM over FLANNEL_SUBNET with a route to FLANNEL_NETWORK. The generated
/// configuration is kept per container (/var/lib/cni/flannel/&lt;id&gt;) so DEL undoes exactly what ADD did.
/// </summary>
public sealed class FlannelPlugin : ICniPlugin
{
    private readonly CniNode _node;
    private readonly Dictionary<string, JsonObject> _saved = new(StringComparer.Ordinal);

    public FlannelPlugin(CniNode node) => _node = node;

    public string Type => "flannel";

    public CniResult Add(CniRequest request)
    {
        var env = _node.FlannelSubnet
            ?? throw new CniException(CniException.Internal, "failed to load flannel 'subnet.env' file: open /run/flannel/subnet.env: no such file or directory. Check the flannel pod log for this node.");
        var delegateConfig = DelegateConfig(request, env);
        _saved[request.Args.ContainerId] = delegateConfig;
        return request.Plugins.Find(DelegateType(delegateConfig)).Add(Delegate(request, delegateConfig));
    }

    public void Del(CniRequest request)
    {
        // Without the saved configuration (ADD never ran) there is nothing of ours to undo: DEL succeeds.
        if (!_saved.Remove(request.Args.ContainerId, out var delegateConfig)) return;
        request.Plugins.Find(DelegateType(delegateConfig)).Del(Delegate(request, delegateConfig));
    }

    public void Check(CniRequest request)
    {
        if (!_saved.TryGetValue(request.Args.ContainerId, out var delegateConfig))
            throw new CniException(CniException.Internal, $"flannel: no saved delegate configuration for {request.Args.ContainerId}");
        request.Plugins.Find(DelegateType(delegateConfig)).Check(Delegate(request, delegateConfig));
    }

    /// <summary>The delegate's configuration: the conflist's "delegate" object with flannel's defaults filled in.</summary>
    private static JsonObject DelegateConfig(CniRequest request, FlannelSubnetEnv env)
    {
        var d = request.Config["delegate"] is JsonObject given ? (JsonObject)given.DeepClone() : new JsonObject();
        d["cniVersion"] = request.CniVersion;
        d["name"] = request.NetworkName;
        d["type"] ??= "bridge";
        d["ipMasq"] ??= !env.IpMasq;
        d["mtu"] ??= env.Mtu;
        if (DelegateType(d) == "bridge") d["isGateway"] ??= true;
        d["ipam"] ??= new JsonObject
        {
            ["type"] = "host-local",
            ["ranges"] = new JsonArray(new JsonArray(new JsonObject { ["subnet"] = env.Lease.ToString() })), // net.ParseCIDR masks the host bits
            ["routes"] = new JsonArray(new JsonObject { ["dst"] = env.Network.ToString() }),
        };
        return d;
    }

    private static string DelegateType(JsonObject d) => d["type"]!.GetValue<string>();

    private static CniRequest Delegate(CniRequest request, JsonObject config) =>
        request with { Config = (JsonObject)config.DeepClone() };
}
