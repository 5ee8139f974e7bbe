using System.Text.Json.Nodes;

namespace NetSim.Topologies.Cni;

/// <summary>DNS settings in a CNI result.</summary>
public sealed record CniDns(IReadOnlyList<string> Nameservers, string? Domain = null, IReadOnlyList<string>? Search = null)
{
    /// <summary>A plugin configuration's "dns" section (types.DNS): nameservers, domain, search; a wrong type is a decode error.</summary>
    public static CniDns From(JsonObject dns) => new(Strings(dns, "nameservers"),
        dns["domain"] is null ? null : dns["domain"] is JsonValue v && v.TryGetValue(out string? d) ? d : throw ConfigTypes.Mismatch("dns.domain", dns["domain"], "string"),
        Strings(dns, "search"));

    private static List<string> Strings(JsonObject o, string key) => o[key] switch
    {
        null => [],
        JsonArray a => a.Select(n => n is JsonValue v && v.TryGetValue(out string? s) ? s : throw ConfigTypes.Mismatch($"dns.{key}", n, "string")).ToList(),
        var other => throw ConfigTypes.Mismatch($"dns.{key}", other, "array"),
    };

    public JsonObject ToJson()
    {
        var o = new JsonObject { ["nameservers"] = new JsonArray(Nameservers.Select(n => (JsonNode)n).ToArray()) };
        if (Domain is not null) o["domain"] = Domain;
        if (Search is { Count: > 0 }) o["search"] = new JsonArray(Search.Select(n => (JsonNode)n).ToArray());
        return o;
    }
}
