using NetSim.Engine.Addressing;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Scenarios.Yaml;

namespace NetSim.Topologies.Scenarios;

/// <summary>
/// Reads cluster.dhcp_server: its address (default the node network's .2, below the nodes' .10 and the external
/// clients' .200), its pool ("FIRST-LAST", required, inside the node network), its lease time and an optional router.
/// One switch only: a leaf-spine fabric splits the node network into racks (a relay agent per rack is not modelled)
/// and a veth pair has no switch to put the server on.
/// </summary>
internal static class DhcpServerReader
{
    public static DhcpServerSpec Read(YamlMap m, ClusterSpec cluster)
    {
        var net = cluster.NodeCidr;
        if (cluster.Fabric.Type != FabricSpec.SingleSwitch)
            throw m.Error("address", $"a DHCP server serves one L2 segment: it needs fabric {FabricSpec.SingleSwitch}, not {cluster.Fabric.Type}");
        var address = Address(m, "address", net.Address(2), net);
        string pool = m.Text("pool", "");
        if (pool.Length == 0) throw m.Error("pool", "is required: the addresses the server hands out, FIRST-LAST inside node_cidr");
        string[] ends = pool.Split('-');
        if (ends.Length != 2 || !Ipv4Address.TryParse(ends[0].Trim(), out var first) || !Ipv4Address.TryParse(ends[1].Trim(), out var last))
            throw m.Error("pool", $"'{pool}' is not FIRST-LAST (two IPv4 addresses)");
        if (!net.Contains(first) || !net.Contains(last) || first == net.Network || last == net.Broadcast)
            throw m.Error("pool", $"{pool} is not inside node_cidr {net} (without its network and broadcast addresses)");
        if (last < first) throw m.Error("pool", $"{pool} ends before it starts");
        if (address >= first && address <= last) throw m.Error("address", $"{address} is inside the pool {pool}: the server would hand out its own address");
        var lease = m.PositiveTime("lease_time", DhcpServerSpec.DefaultLeaseTime);
        var router = m.Has("router") ? Address(m, "router", net.Address(1), net) : (Ipv4Address?)null;
        m.RejectUnknown();
        return new DhcpServerSpec(address, first, last, lease) { Router = router };
    }

    private static Ipv4Address Address(YamlMap m, string key, Ipv4Address fallback, Ipv4Prefix net)
    {
        string? text = m.OptionalString(key);
        if (text is null) return fallback;
        if (!Ipv4Address.TryParse(text, out var a)) throw m.Error(key, $"'{text}' is not an IPv4 address");
        if (!net.Contains(a) || a == net.Network || a == net.Broadcast) throw m.Error(key, $"{a} is not a host address of node_cidr {net}");
        return a;
    }
}
