using System.Text.Json;
using System.Text.Json.Nodes;

namespace NetSim.Topologies.Cni;

/// <summary>
/// A CNI network configuration list (a .conflist file, reference §1.1): name, versions, flags, and the plugin
/// chain. Plugin objects are kept as JSON so unknown keys pass through unchanged, as the spec requires.
/// </summary>
public sealed class NetworkConfigList
{
    private NetworkConfigList(string name, string cniVersion, IReadOnlyList<string> cniVersions, bool disableCheck,
        bool disableGc, IReadOnlyList<JsonObject> plugins)
    {
        Name = name;
        CniVersion = cniVersion;
        CniVersions = cniVersions;
        DisableCheck = disableCheck;
        DisableGc = disableGc;
        Plugins = plugins;
    }

    public string Name { get; }
    public string CniVersion { get; }
    public IReadOnlyList<string> CniVersions { get; }
    public bool DisableCheck { get; }
    public bool DisableGc { get; }
    /// <summary>The plugin configuration objects, in chain order.</summary>
    public IReadOnlyList<JsonObject> Plugins { get; }

    /// <summary>The version the runtime uses for this network.</summary>
    public string SelectedVersion => Cni.CniVersion.Negotiate(CniVersion, CniVersions);

    /// <summary>
    /// Reading limits: the parser's nesting depth, and no duplicate keys. Go's decoder would let the last duplicate
    /// win silently; a conflist that says two things about one key is refused instead.
    /// </summary>
    private static readonly JsonDocumentOptions ReadOptions = new() { MaxDepth = 64, AllowDuplicateProperties = false };

    /// <summary>
    /// This list with "deviceID" set on every plugin, as Multus' delegateAddDeviceID gives a delegate the device kubelet
    /// allocated to the pod (a VF or a whole NIC from the SR-IOV network device plugin); a Multus conf passes it on to its
    /// cluster network, delegates[0].
    /// </summary>
    public NetworkConfigList WithDeviceId(string pci)
    {
        var plugins = new List<JsonObject>(Plugins.Count);
        foreach (var p in Plugins)
        {
            var copy = (JsonObject)p.DeepClone();
            if (copy["delegates"] is JsonArray { Count: > 0 } delegates && delegates[0] is JsonObject cluster)
            {
                if (cluster["plugins"] is JsonArray inner)
                    foreach (var q in inner) ((JsonObject)q!)["deviceID"] = pci;
                else cluster["deviceID"] = pci;
            }
            else copy["deviceID"] = pci;
            plugins.Add(copy);
        }
        return new NetworkConfigList(Name, CniVersion, CniVersions, DisableCheck, DisableGc, plugins);
    }

    public static NetworkConfigList Parse(string json)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: ReadOptions);
        }
        catch (JsonException e)
        {
            string where = e.LineNumber is long line ? $"line {line + 1}: " : "";
            throw new CniException(CniException.DecodeFailure, $"error parsing configuration list: {where}{e.Message}");
        }
        if (root is not JsonObject o) throw new CniException(CniException.DecodeFailure, "error parsing configuration list: not a JSON object");
        ConfigTypes.Check(o, "");
        if (!o.ContainsKey("plugins") && o.ContainsKey("type")) return FromConf(o);
        string name = Str(o, "name") ?? "";
        if (name.Length == 0) throw new CniException(CniException.InvalidNetworkConfig, "missing network name");
        if (!CniArgs.NameRegex().IsMatch(name)) throw new CniException(CniException.InvalidNetworkConfig, $"invalid network name \"{name}\"");
        string version = Str(o, "cniVersion") ?? "";
        var versions = o["cniVersions"] is JsonArray a ? a.Select(v => Str(v, "cniVersions")).ToList() : new List<string>();
        if (o["plugins"] is not JsonArray plugins) throw new CniException(CniException.InvalidNetworkConfig, "error parsing configuration list: no 'plugins' key");
        if (plugins.Count == 0) throw new CniException(CniException.InvalidNetworkConfig, "error parsing configuration list: no plugins in list");
        var list = new List<JsonObject>();
        foreach (var p in plugins)
        {
            if (p is not JsonObject po) throw new CniException(CniException.InvalidNetworkConfig, "a plugin configuration is not an object");
            string type = Str(po, "type") ?? "";
            if (type.Length == 0 || type.Contains('/', StringComparison.Ordinal))
                throw new CniException(CniException.InvalidNetworkConfig, $"invalid plugin type \"{type}\"");
            foreach (string reserved in new[] { "runtimeConfig", "args" })
                if (po.ContainsKey(reserved)) throw new CniException(CniException.InvalidNetworkConfig, $"plugin {type}: '{reserved}' is reserved for the runtime");
            list.Add(po);
        }
        var result = new NetworkConfigList(name, version, versions, Bool(o, "disableCheck"), Bool(o, "disableGC"), list);
        _ = result.SelectedVersion; // fails early on versions nothing supports
        return result;
    }

    /// <summary>
    /// A single network configuration (a .conf file) as libcni's ConfListFromConf makes it a list of one: the conf's
    /// name and cniVersion, the conf as the only plugin. A conf without cniVersion is what plugins decode as 0.1.0.
    /// </summary>
    private static NetworkConfigList FromConf(JsonObject conf)
    {
        string name = Str(conf, "name") ?? "";
        if (name.Length == 0) throw new CniException(CniException.InvalidNetworkConfig, "missing network name");
        string version = Str(conf, "cniVersion") is { Length: > 0 } v ? v : "0.1.0";
        var list = new NetworkConfigList(name, version, [], false, false, [conf]);
        _ = list.SelectedVersion;
        return list;
    }

    /// <summary>A string field (null when absent); <see cref="ConfigTypes"/> has already refused other types.</summary>
    private static string? Str(JsonObject o, string key) =>
        o[key] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    private static string Str(JsonNode? item, string field) =>
        item is JsonValue v && v.TryGetValue(out string? s) ? s : throw ConfigTypes.Mismatch(field, item, "string");

    private static bool Bool(JsonObject o, string key) =>
        o[key] is JsonValue v && v.TryGetValue(out bool b) && b;
}
