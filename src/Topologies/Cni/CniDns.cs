using System.Text.Json.Nodes;

namespace NetSim.Topologies.Cni;

/// <summary>DNS settings in a CNI result.</summary>
public sealed record CniDns(IReadOnlyList<string> Nameservers, string? Domain = null, IReadOnlyList<string>? Search = null)
{
    public JsonObject ToJson()
    {
        var o = new JsonObject { ["nameservers"] = new JsonArray(Nameservers.Select(n => (JsonNode)n).ToArray()) };
        if (Domain is not null) o["domain"] = Domain;
        if (Search is { Count: > 0 }) o["search"] = new JsonArray(Search.Select(n => (JsonNode)n).ToArray());
        return o;
    }
}
