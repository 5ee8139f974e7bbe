using System.Text.Json.Nodes;

namespace NetSim.Topologies.Cni;

/// <summary>
/// The container runtime's side of CNI (libcni): runs a network's plugin chain in order on ADD (each plugin gets
/// the previous one's result), in reverse on DEL with the cached final ADD result, forward on CHECK; persists the
/// final ADD result per attachment; calls DEL after a failed ADD, as the spec asks (reference §1.2); VERSION of a
/// plugin, and libcni's validation of a whole list by it.
/// </summary>
public sealed class CniRuntime
{
    private readonly CniPluginRegistry _plugins;
    private readonly Dictionary<(string Network, string Container, string IfName), CniResult> _cache = new();

    public CniRuntime(CniPluginRegistry plugins) => _plugins = plugins;

    /// <summary>Capability arguments the runtime provides (portMappings, bandwidth, ips, mac ...).</summary>
    public Dictionary<string, JsonNode> CapabilityArgs { get; } = new(StringComparer.Ordinal);

    public CniResult Add(NetworkConfigList net, CniArgs args)
    {
        args = args with { Command = "ADD" };
        args.Validate();
        var key = (net.Name, args.ContainerId, args.IfName);
        if (_cache.ContainsKey(key))
            throw new CniException(CniException.InvalidEnvironment, $"container {args.ContainerId} already has interface {args.IfName} on network {net.Name}");
        string version = net.SelectedVersion;
        CniResult? prev = null;
        try
        {
            for (int i = 0; i < net.Plugins.Count; i++)
                prev = Plugin(net, i).Add(Request(net, i, args, version, prev));
        }
        catch (CniException)
        {
            TryDelAfterFailedAdd(net, args, version, prev);
            throw;
        }
        _cache[key] = prev!;
        return prev!;
    }

    public void Del(NetworkConfigList net, CniArgs args)
    {
        args = args with { Command = "DEL" };
        args.Validate();
        string version = net.SelectedVersion;
        var key = (net.Name, args.ContainerId, args.IfName);
        _cache.TryGetValue(key, out CniResult? final);
        for (int i = net.Plugins.Count - 1; i >= 0; i--)
            Plugin(net, i).Del(Request(net, i, args, version, final));
        _cache.Remove(key);
    }

    public void Check(NetworkConfigList net, CniArgs args)
    {
        if (net.DisableCheck) return;
        args = args with { Command = "CHECK" };
        args.Validate();
        string version = net.SelectedVersion;
        if (!_cache.TryGetValue((net.Name, args.ContainerId, args.IfName), out CniResult? final))
            throw new CniException(CniException.UnknownContainer, $"no ADD result cached for {args.ContainerId}/{args.IfName}: CHECK before ADD or after DEL");
        for (int i = 0; i < net.Plugins.Count; i++)
            Plugin(net, i).Check(Request(net, i, args, version, final));
    }

    /// <summary>
    /// VERSION of one plugin: it reads {"cniVersion"} on stdin and prints the spec version it speaks and every version
    /// it supports (reference §1.1; skel's PluginInfo). Needs no container, netns or interface.
    /// </summary>
    public JsonObject Version(string pluginType, string cniVersion)
    {
        CniVersion.Parse(cniVersion);
        var plugin = _plugins.Find(pluginType);
        return new JsonObject
        {
            ["cniVersion"] = CniVersion.Supported[^1],
            ["supportedVersions"] = new JsonArray(plugin.SupportedVersions.Select(v => (JsonNode)v).ToArray()),
        };
    }

    /// <summary>
    /// libcni's ValidateNetworkList: VERSION of every plugin of the chain and of each IPAM plugin it names, and the
    /// network's selected version must be among each one's supportedVersions (CRI-O's ocicni runs it when it loads
    /// a conflist). Returns the plugin types checked, in chain order.
    /// </summary>
    public IReadOnlyList<string> ValidateNetworkList(NetworkConfigList net)
    {
        string version = net.SelectedVersion;
        var checkedTypes = new List<string>();
        foreach (var p in net.Plugins)
        {
            foreach (string type in new[] { p["type"]!.GetValue<string>(), (p["ipam"] as JsonObject)?["type"]?.GetValue<string>() ?? "" })
            {
                if (type.Length == 0 || checkedTypes.Contains(type)) continue;
                var info = Version(type, version);
                if (!info["supportedVersions"]!.AsArray().Any(v => v!.GetValue<string>() == version))
                    throw new CniException(CniException.IncompatibleVersion, $"plugin {type} does not support config version \"{version}\"");
                checkedTypes.Add(type);
            }
        }
        return checkedTypes;
    }

    /// <summary>The cached final ADD result of an attachment, or null.</summary>
    public CniResult? CachedResult(string network, string containerId, string ifName) =>
        _cache.TryGetValue((network, containerId, ifName), out var r) ? r : null;

    private ICniPlugin Plugin(NetworkConfigList net, int i) => _plugins.Find(net.Plugins[i]["type"]!.GetValue<string>());

    private CniRequest Request(NetworkConfigList net, int i, CniArgs args, string version, CniResult? prev)
    {
        var config = (JsonObject)net.Plugins[i].DeepClone();
        config["cniVersion"] = version;
        config["name"] = net.Name;
        if (config["capabilities"] is JsonObject caps)
        {
            var runtimeConfig = new JsonObject();
            foreach (var (cap, enabled) in caps)
                if (enabled is JsonValue v && v.TryGetValue(out bool on) && on && CapabilityArgs.TryGetValue(cap, out var arg))
                    runtimeConfig[cap] = arg.DeepClone();
            config["runtimeConfig"] = runtimeConfig;
            config.Remove("capabilities");
        }
        if (prev is not null) config["prevResult"] = prev.ToJson(version);
        return new CniRequest(args, config, version, net.Name, prev, _plugins);
    }

    private void TryDelAfterFailedAdd(NetworkConfigList net, CniArgs args, string version, CniResult? partial)
    {
        var delArgs = args with { Command = "DEL" };
        for (int i = net.Plugins.Count - 1; i >= 0; i--)
        {
            try
            {
                Plugin(net, i).Del(Request(net, i, delArgs, version, partial));
            }
            catch (CniException)
            {
                // DEL after a failed ADD is best effort; the ADD's error is the one reported.
            }
        }
    }
}
