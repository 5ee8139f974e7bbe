using System.Text.Json.Nodes;

namespace NetSim.Topologies.Cni;

/// <summary>A route in a CNI result.</summary>
public sealed record CniRoute(string Dst, string? Gw = null)
{
    public JsonObject ToJson()
    {
        var o = new JsonObject { ["dst"] = Dst };
        if (Gw is not null) o["gw"] = Gw;
        return o;
    }
}
