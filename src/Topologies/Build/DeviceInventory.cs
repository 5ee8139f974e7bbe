using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Namespaces;
using NetSim.Topologies.Simulation;

namespace NetSim.Topologies.Build;

/// <summary>Every network device of a built cluster, as `ip -d link` on each node and in each pod would list them.</summary>
public static class DeviceInventory
{
    public static IReadOnlyList<DeviceResult> Of(BuiltCluster cluster)
    {
        var rows = new List<DeviceResult>();
        foreach (var node in cluster.Nodes)
            foreach (var ns in new[] { node.Host }.Concat(node.Pods.Select(p => p.Namespace)).Distinct())
                foreach (var dev in ns.Devices)
                {
                    if (dev is null or LoopbackDevice) continue;
                    string peer = dev is VethDevice { Peer: { } p } ? $"{NamespaceName(p.Namespace)}/{p.Name}" : "";
                    rows.Add(new DeviceResult(node.Name, NamespaceName(ns), dev.Name, ElementKinds.Of(dev), Address(dev), dev.Master?.Name ?? "", peer));
                }
        return rows;
    }

    private static string NamespaceName(NetworkNamespace ns) => ns.Name;

    private static string Address(NetDevice dev) => dev.Addresses.Count > 0 ? dev.Addresses[0].ToString() : "";
}
