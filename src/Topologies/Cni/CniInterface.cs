using System.Text.Json.Nodes;

namespace NetSim.Topologies.Cni;

/// <summary>An interface in a CNI result; <see cref="Sandbox"/> is the netns path for container interfaces.</summary>
public sealed record CniInterface(string Name, string Mac, string Sandbox = "", int Mtu = 0)
{
    public JsonObject ToJson()
    {
        var o = new JsonObject { ["name"] = Name, ["mac"] = Mac };
        if (Mtu > 0) o["mtu"] = Mtu;
        if (Sandbox.Length > 0) o["sandbox"] = Sandbox;
        return o;
    }
}
