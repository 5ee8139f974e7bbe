using System.Text.Json.Nodes;
using NetSim.Datapaths.Devices;
using NetSim.Engine.Addressing;
using NetSim.Topologies.Cni;
using NetSim.Topologies.Cni.Plugins;

namespace NetSim.Topologies.Build.Cni;

/// <summary>
/// Secondary networks on any datapath: the node's PCI functions and SR-IOV device plugin for its CNI plugins, Multus
/// and the plugins its NetworkAttachmentDefinitions use, Multus' 00-multus.conf around the CNI's own conflist, and each
/// attached interface made known on its network (the switch learns its MAC and ARP finds its address, as the first
/// exchange would teach them).
/// </summary>
public static class SecondaryAttachments
{
    /// <summary>The node's secondary NICs as sysfs lists them, and their VFs advertised by the SR-IOV device plugin.</summary>
    public static void Register(BuiltNode node, CniNode cni)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(cni);
        foreach (var nic in node.SecondaryNics)
        {
            cni.PciFunctions.Add(nic.Pf);
            cni.PciFunctions.AddRange(nic.Vfs);
            foreach (var vf in nic.Vfs) (cni.Devices ??= new KubeletDevices()).Advertise(vf.Resource, vf.PciAddress);
        }
    }

    /// <summary>/opt/cni/bin with Multus and the plugins of secondary interfaces.</summary>
    public static void Install(CniNode cni, CniPluginRegistry plugins, NetworkAttachmentStore store)
    {
        ArgumentNullException.ThrowIfNull(plugins);
        plugins.Add(new MacvlanPlugin(cni)).Add(new IpvlanPlugin(cni)).Add(new HostDevicePlugin(cni)).Add(new SriovPlugin(cni))
            .Add(new MultusPlugin(cni, store));
    }

    /// <summary>
    /// Multus' generated 00-multus.conf (its thin plugin's auto-configuration): a conf of type multus with the node's
    /// CNI conflist as its first delegate, at that conflist's cniVersion.
    /// </summary>
    public static string MultusConf(string clusterConflist)
    {
        var cluster = JsonNode.Parse(clusterConflist)!.AsObject();
        string version = cluster["cniVersion"] is JsonValue v && v.TryGetValue(out string? s) ? s : "0.3.1";
        return new JsonObject
        {
            ["cniVersion"] = version,
            ["name"] = "multus-cni-network",
            ["type"] = "multus",
            ["kubeconfig"] = "/etc/cni/net.d/multus.d/multus.kubeconfig",
            ["delegates"] = new JsonArray(cluster.DeepClone()),
        }.ToJsonString();
    }

    /// <summary>The pod's network-status on it, and each secondary interface made known on the network it sits on.</summary>
    public static void Attach(ClusterContext cluster, BuiltPod pod, IReadOnlyList<NetworkStatus> status)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(status);
        pod.NetworkStatus = status;
        foreach (var s in status)
        {
            if (s.Default || s.Ips.Count == 0) continue;
            var address = Ipv4Address.Parse(s.Ips[0]);
            switch (PodInterface.Find(pod.Namespace, s.Interface))
            {
                case PhysicalDevice p when Network(pod.Node, p) is { } net:
                    net.Arp.AddHost(p, address, net.Cidr); // a VF or a whole NIC in the pod: an end station of that network
                    break;
                case StackedDevice { Lower: PhysicalDevice lower } stacked:
                    Stacked(cluster, pod.Node, lower, stacked.Mac, address);
                    break;
            }
        }
    }

    private static SecondaryNetwork? Network(BuiltNode node, PhysicalDevice dev) =>
        node.SecondaryNics.Select(n => n.Network).FirstOrDefault(n => ReferenceEquals(n.Arp, dev.Link));

    /// <summary>A macvlan or ipvlan slave: its MAC behind the node's port of the lower device's network, its address answered through the lower.</summary>
    private static void Stacked(ClusterContext cluster, BuiltNode node, PhysicalDevice lower, MacAddress mac, Ipv4Address address)
    {
        if (ReferenceEquals(lower, node.Eth0))
        {
            cluster.Fabric.AddStackedEndpoint(node, mac, address);
            return;
        }
        if (node.SecondaryNics.FirstOrDefault(n => ReferenceEquals(n.Device, lower)) is not { } nic) return;
        nic.Network.Switch.AddStaticEntry(mac, nic.Port);
        nic.Network.Arp.AddStackedHost(lower, address);
    }
}
