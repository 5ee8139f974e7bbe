using System.Text.Json.Nodes;

namespace NetSim.Topologies.Cni;

/// <summary>
/// One plugin invocation: the CNI_* parameters and the derived configuration on stdin (the plugin object with
/// cniVersion, name, runtimeConfig and prevResult inserted and capabilities removed; reference §1.1).
/// </summary>
public sealed record CniRequest(CniArgs Args, JsonObject Config, string CniVersion, string NetworkName, CniResult? PrevResult,
    CniPluginRegistry Plugins)
{
    /// <summary>A string field of the plugin configuration, or a default when absent; another type is a decode error, as in Go.</summary>
    public string GetString(string key, string fallback) =>
        Config[key] is not { } n ? fallback : n is JsonValue v && v.TryGetValue(out string? s) ? s : throw ConfigTypes.Mismatch(key, n, "string");

    public bool GetBool(string key, bool fallback) =>
        Config[key] is not { } n ? fallback : n is JsonValue v && v.TryGetValue(out bool b) ? b : throw ConfigTypes.Mismatch(key, n, "true or false");

    public int GetInt(string key, int fallback) =>
        Config[key] is not { } n ? fallback
        : n is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number && v.TryGetValue(out int i) ? i
        : throw ConfigTypes.Mismatch(key, n, "whole number");

    /// <summary>Runs the IPAM plugin named in the "ipam" section with the same parameters and full config (delegation).</summary>
    public CniResult DelegateAdd() => Plugins.Find(IpamType).Add(this);

    public void DelegateDel() => Plugins.Find(IpamType).Del(this);

    public void DelegateCheck() => Plugins.Find(IpamType).Check(this);

    private string IpamType =>
        Config["ipam"] is JsonObject ipam && ipam["type"] is JsonValue t && t.TryGetValue(out string? s) && s.Length > 0
            ? s
            : throw new CniException(CniException.InvalidNetworkConfig, "IPAM config missing 'ipam' key");
}
