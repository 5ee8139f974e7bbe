using System.Text.Json.Nodes;

namespace NetSim.Topologies.Cni;

/// <summary>The result of a successful ADD (reference §1.3): interfaces, IPs, routes and DNS.</summary>
public sealed class CniResult
{
    public List<CniInterface> Interfaces { get; } = new();
    public List<CniIp> Ips { get; } = new();
    public List<CniRoute> Routes { get; } = new();
    public CniDns? Dns { get; set; }

    public CniResult Clone()
    {
        var r = new CniResult { Dns = Dns };
        r.Interfaces.AddRange(Interfaces);
        r.Ips.AddRange(Ips);
        r.Routes.AddRange(Routes);
        return r;
    }

    /// <summary>The JSON a plugin prints, in the shape of <paramref name="cniVersion"/>.</summary>
    public JsonObject ToJson(string cniVersion)
    {
        bool withVersion = CniVersion.IpsCarryVersion(cniVersion);
        var o = new JsonObject { ["cniVersion"] = cniVersion };
        if (Interfaces.Count > 0)
            o["interfaces"] = new JsonArray(Interfaces.Select(i => (JsonNode)i.ToJson()).ToArray());
        o["ips"] = new JsonArray(Ips.Select(ip => (JsonNode)ip.ToJson(withVersion)).ToArray());
        if (Routes.Count > 0) o["routes"] = new JsonArray(Routes.Select(r => (JsonNode)r.ToJson()).ToArray());
        if (Dns is { } d) o["dns"] = d.ToJson();
        return o;
    }
}
