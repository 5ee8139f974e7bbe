using System.Text.Json;
using System.Text.Json.Nodes;

namespace NetSim.Topologies.Cni;

/// <summary>
/// The JSON type of every configuration key NetSim's CNI runtime and plugins read, checked wherever the key
/// appears (the list, a plugin, its ipam or delegate section). A plugin written in Go fails to decode a value of
/// the wrong type ("json: cannot unmarshal string into Go struct field NetConf.mtu of type int"); so does NetSim,
/// instead of falling back to a default and running with a setting the file did not ask for.
/// </summary>
public static class ConfigTypes
{
    private enum Kind
    {
        String,
        Bool,
        Int,
        Object,
        Array,
    }

    private static readonly Dictionary<string, Kind> Keys = new(StringComparer.Ordinal)
    {
        ["name"] = Kind.String, ["cniVersion"] = Kind.String, ["type"] = Kind.String, ["bridge"] = Kind.String,
        ["nodename"] = Kind.String, ["subnet"] = Kind.String, ["gateway"] = Kind.String, ["rangeStart"] = Kind.String,
        ["rangeEnd"] = Kind.String, ["dataDir"] = Kind.String, ["dst"] = Kind.String, ["gw"] = Kind.String,
        ["isGateway"] = Kind.Bool, ["isDefaultGateway"] = Kind.Bool, ["ipMasq"] = Kind.Bool, ["hairpinMode"] = Kind.Bool,
        ["snat"] = Kind.Bool, ["disableCheck"] = Kind.Bool, ["disableGC"] = Kind.Bool, ["promiscMode"] = Kind.Bool,
        ["forceAddress"] = Kind.Bool, ["linkInContainer"] = Kind.Bool,
        ["address"] = Kind.String, ["range"] = Kind.String, ["range_start"] = Kind.String, ["range_end"] = Kind.String,
        ["addresses"] = Kind.Array, ["exclude"] = Kind.Array, ["master"] = Kind.String, ["mode"] = Kind.String, ["mac"] = Kind.String,
        ["mtu"] = Kind.Int, ["txQLen"] = Kind.Int, ["table"] = Kind.Int, ["promisc"] = Kind.Bool, ["allmulti"] = Kind.Bool,
        ["sysctl"] = Kind.Object,
        ["ipam"] = Kind.Object, ["delegate"] = Kind.Object, ["capabilities"] = Kind.Object,
        ["plugins"] = Kind.Array, ["cniVersions"] = Kind.Array, ["ranges"] = Kind.Array, ["routes"] = Kind.Array,
    };

    /// <summary>Plugins that declare a key with another type than the rest: aws-cni's NetConf has "mtu" as a string.</summary>
    private static readonly Dictionary<string, Dictionary<string, Kind>> PluginKeys = new(StringComparer.Ordinal)
    {
        ["aws-cni"] = new(StringComparer.Ordinal) { ["mtu"] = Kind.String },
    };

    /// <summary>The MTU range the bridge plugin accepts (and the kernel: 68 is IPv4's minimum).</summary>
    public const int MinMtu = 68, MaxMtu = 65535;

    /// <summary>Checks every known key in <paramref name="node"/> and below; <paramref name="path"/> names it in errors.</summary>
    public static void Check(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject o:
                var own = o["type"] is JsonValue t && t.TryGetValue(out string? type) ? PluginKeys.GetValueOrDefault(type) : null;
                foreach (var (key, value) in o)
                {
                    string field = path.Length == 0 ? key : $"{path}.{key}";
                    if (own is not null && own.TryGetValue(key, out Kind ownKind)) CheckKind(field, value, ownKind);
                    else if (Keys.TryGetValue(key, out Kind kind)) CheckKind(field, value, kind);
                    Check(value, field);
                }
                break;
            case JsonArray a:
                for (int i = 0; i < a.Count; i++) Check(a[i], $"{path}[{i}]");
                break;
        }
    }

    private static void CheckKind(string field, JsonNode? value, Kind kind)
    {
        bool ok = kind switch
        {
            Kind.String => value is JsonValue v && v.GetValueKind() == JsonValueKind.String,
            Kind.Bool => value is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
            Kind.Int => value is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out int _),
            Kind.Object => value is JsonObject,
            _ => value is JsonArray,
        };
        if (!ok) throw Mismatch(field, value, kind switch { Kind.Int => "whole number", Kind.Bool => "true or false", _ => kind.ToString().ToLowerInvariant() });
        if (kind == Kind.Int && field.EndsWith("mtu", StringComparison.Ordinal) && value!.GetValue<int>() is var mtu && mtu is < MinMtu or > MaxMtu)
            throw new CniException(CniException.InvalidNetworkConfig, $"{field}: invalid MTU {mtu} ({MinMtu}..{MaxMtu})");
    }

    /// <summary>The decode error for a value of the wrong JSON type.</summary>
    public static CniException Mismatch(string field, JsonNode? value, string expected) =>
        new(CniException.DecodeFailure, $"{field}: {Describe(value)} where a {expected} belongs (json: cannot unmarshal {GoKind(value)})");

    private static string Describe(JsonNode? value)
    {
        string text = value?.ToJsonString() ?? "null";
        return text.Length > 40 ? text[..40] + "..." : text;
    }

    private static string GoKind(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => "number",
            JsonValueKind.True or JsonValueKind.False => "bool",
            _ => "value",
        },
        _ => "value",
    };
}
