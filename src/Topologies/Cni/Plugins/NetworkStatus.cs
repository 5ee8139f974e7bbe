using System.Text.Json.Nodes;

namespace NetSim.Topologies.Cni.Plugins;

/// <summary>
/// One element of the k8s.v1.cni.cncf.io/network-status annotation Multus writes on a pod (Network Plumbing WG spec):
/// the network ("NAMESPACE/NAME", or the cluster network's name), the pod's interface, its IPs and MAC, whether it is the
/// default network, and for a PCI device its address (device-info).
/// </summary>
public sealed record NetworkStatus(string Name, string Interface, IReadOnlyList<string> Ips, string Mac, bool Default, string PciAddress = "")
{
    public JsonObject ToJson()
    {
        var o = new JsonObject { ["name"] = Name, ["interface"] = Interface, ["ips"] = new JsonArray(Ips.Select(i => (JsonNode)i).ToArray()), ["mac"] = Mac, ["default"] = Default };
        if (PciAddress.Length > 0) o["device-info"] = new JsonObject { ["type"] = "pci", ["version"] = "1.1.0", ["pci"] = new JsonObject { ["pci-address"] = PciAddress } };
        return o;
    }

    /// <summary>The annotation's value for a pod's list.</summary>
    public static string Annotation(IEnumerable<NetworkStatus> list) => new JsonArray(list.Select(s => (JsonNode)s.ToJson()).ToArray()).ToJsonString();
}
