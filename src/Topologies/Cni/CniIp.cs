using System.Text.Json.Nodes;

namespace NetSim.Topologies.Cni;

/// <summary>An IP in a CNI result; <see cref="Interface"/> indexes Interfaces (null from IPAM plugins).</summary>
public sealed record CniIp(string Address, string? Gateway, int? Interface = null)
{
    public JsonObject ToJson(bool withVersion)
    {
        var o = new JsonObject();
        if (withVersion) o["version"] = Address.Contains(':', StringComparison.Ordinal) ? "6" : "4";
        if (Interface is { } i) o["interface"] = i;
        o["address"] = Address;
        if (Gateway is not null) o["gateway"] = Gateway;
        return o;
    }
}
