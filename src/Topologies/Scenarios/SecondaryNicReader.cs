using NetSim.Engine.Addressing;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Scenarios.Yaml;

namespace NetSim.Topologies.Scenarios;

/// <summary>
/// Reads cluster.nics: the NICs every node has besides eth0, each with the NIC fields of cluster.nic plus its name, the
/// network (switch) it is cabled to, that network's subnet, and SR-IOV (sriov_numvfs, total_vfs, vf_queues, resource).
/// </summary>
internal static class SecondaryNicReader
{
    public static IReadOnlyList<SecondaryNicSpec> Read(YamlMap cluster, ClusterSpec spec)
    {
        var list = new List<SecondaryNicSpec>();
        var maps = cluster.Maps("nics");
        for (int k = 0; k < maps.Count; k++) list.Add(ReadOne(maps[k], k, spec, list));
        return list;
    }

    private static SecondaryNicSpec ReadOne(YamlMap m, int k, ClusterSpec cluster, List<SecondaryNicSpec> earlier)
    {
        string name = m.Text("name", $"eth{k + 1}");
        if (!IsInterfaceName(name)) throw m.Error("name", $"'{name}' is not an interface name (1-15 letters, digits, '-', '_', '.')");
        if (name == "eth0" || earlier.Any(n => n.Name == name)) throw m.Error("name", $"interface {name} is already a NIC of every node");
        string network = m.Text("network", name);
        if (!Dns1123.IsLabel(network)) throw m.Error("network", $"'{network}' is not a network name (lower-case letters, digits and '-')");
        string fallbackCidr = $"10.{200 + k}.0.0/16";
        string text = m.OptionalString("cidr") ?? fallbackCidr;
        if (!Ipv4Prefix.TryParse(text, out var cidr, out string error)) throw m.Error("cidr", error);
        if (cidr.Length > 28) throw m.Error("cidr", $"{cidr} is smaller than a /28: no room for the nodes' addresses from .10");
        foreach (var (key, other) in new[] { ("pod_cidr", cluster.PodCidr), ("service_cidr", cluster.ServiceCidr), ("node_cidr", cluster.NodeCidr) })
            if (other.Contains(cidr.Network) || cidr.Contains(other.Network)) throw m.Error("cidr", $"{cidr} overlaps {key} {other}");
        if (earlier.FirstOrDefault(n => n.Network == network) is { } same && same.Cidr != cidr)
            throw m.Error("cidr", $"network {network} is {same.Cidr} on {same.Name}; NICs on one network share its subnet");
        if (earlier.FirstOrDefault(n => n.Network != network && (n.Cidr.Contains(cidr.Network) || cidr.Contains(n.Cidr.Network))) is { } clash)
            throw m.Error("cidr", $"{cidr} overlaps network {clash.Network} ({clash.Cidr})");
        int total = m.Count("total_vfs", SecondaryNicSpec.DefaultTotalVfs, 0, 256);
        // The kernel refuses more VFs than sriov_totalvfs with ERANGE (drivers/pci/iov.c, sriov_numvfs_store).
        int numVfs = m.Count("sriov_numvfs", 0, 0, 256);
        if (numVfs > total) throw m.Error("sriov_numvfs", $"{numVfs} VFs but the NIC supports {total} (sriov_totalvfs): Numerical result out of range");
        string resource = m.Text("resource", SecondaryNicSpec.DefaultResource);
        if (!IsResourceName(resource)) throw m.Error("resource", $"'{resource}' is not an extended resource name (PREFIX/NAME, e.g. intel.com/sriov)");
        var spec = new SecondaryNicSpec(name, default!, network, cidr)
        {
            NumVfs = numVfs,
            TotalVfs = total,
            VfQueues = m.Count("vf_queues", SecondaryNicSpec.DefaultVfQueues, 1, 64),
            Resource = resource,
        };
        // The NIC fields of cluster.nic (rate, mtu, queues, offloads, driver), read last: they reject what is left unknown.
        return spec with { Nic = ClusterReader.ReadNic(m, cluster.Nodes[0].Nic) };
    }

    private static bool IsInterfaceName(string n) =>
        n.Length is >= 1 and <= 15 && n.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private static bool IsResourceName(string r)
    {
        int slash = r.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && slash < r.Length - 1 && Dns1123.IsSubdomain(r[..slash]) && r[(slash + 1)..].All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
    }
}
