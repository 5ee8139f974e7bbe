using NetSim.Engine.Core;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Scenarios.Yaml;

namespace NetSim.Topologies.Scenarios;

/// <summary>
/// Reads the fabric's events: switch_port_down/up (a port of a switch, named by what it is cabled to: a node, or on a
/// leaf a spine and on a spine a leaf), uplink_down/up (a leaf-spine link, by its leaf and spine) and switch_down/up
/// (a whole switch), switch_hang/switch_resume (a spine that stops forwarding with its ports lit, and resumes). Each must
/// name a switch the fabric has; uplinks exist only in a leaf-spine fabric and a veth pair has no switch at all.
/// </summary>
internal static class FabricEventReader
{
    public static ClusterEvent Read(YamlMap m, SimTime at, string kind, ClusterSpec cluster, int line)
    {
        var fabric = cluster.Fabric;
        if (fabric.IsVethPair) throw m.Error("kind", $"{kind} needs a switch; fabric {fabric.Type} cables the two nodes back to back with none");
        return kind switch
        {
            ClusterEvent.UplinkDown or ClusterEvent.UplinkUp => Uplink(m, at, kind, fabric, line),
            ClusterEvent.SwitchDown or ClusterEvent.SwitchUp => new ClusterEvent(at, kind, Switch(m, "switch", fabric, _ => true, "a switch"), line),
            ClusterEvent.SwitchHang or ClusterEvent.SwitchResume => Hang(m, at, kind, fabric, line),
            _ => Port(m, at, kind, cluster, line),
        };
    }

    private static ClusterEvent Uplink(YamlMap m, SimTime at, string kind, FabricSpec fabric, int line)
    {
        if (fabric.Type != FabricSpec.LeafSpine)
            throw m.Error("kind", $"{kind} needs a leaf-spine fabric; fabric {fabric.Type} has no uplinks (switch_port_{(kind == ClusterEvent.UplinkDown ? "down" : "up")} takes a node's port)");
        string leaf = Switch(m, "leaf", fabric, s => s.StartsWith("leaf", StringComparison.Ordinal), "a leaf");
        string spine = Switch(m, "spine", fabric, s => s.StartsWith("spine", StringComparison.Ordinal), "a spine");
        return new ClusterEvent(at, kind, leaf, line) { Peer = spine };
    }

    /// <summary>
    /// A hung switch is found by its BGP peers (BFD or the hold timer): a spine's peers are the leaves. A hung leaf would
    /// cut its nodes off without a carrier loss, which the node failure path does not follow, so only spines hang.
    /// </summary>
    private static ClusterEvent Hang(YamlMap m, SimTime at, string kind, FabricSpec fabric, int line)
    {
        if (fabric.Type != FabricSpec.LeafSpine)
            throw m.Error("kind", $"{kind} needs a leaf-spine fabric (a spine's BGP peers find it hung); fabric {fabric.Type} runs no BGP");
        return new ClusterEvent(at, kind, Switch(m, "switch", fabric, s => s.StartsWith("spine", StringComparison.Ordinal), "a spine"), line);
    }

    private static ClusterEvent Port(YamlMap m, SimTime at, string kind, ClusterSpec cluster, int line)
    {
        string sw = Switch(m, "switch", cluster.Fabric, _ => true, "a switch");
        string port = m.Text("port", "");
        var cabled = CabledTo(sw, cluster).ToList();
        if (port.Length == 0) throw m.Error("port", $"is required: what the port of {sw} is cabled to ({string.Join(", ", cabled.Take(8))})");
        if (!cabled.Contains(port, StringComparer.Ordinal))
            throw m.Error("port", $"{sw} has no port cabled to '{port}'; its ports go to {string.Join(", ", cabled.Take(8))}");
        return new ClusterEvent(at, kind, sw, line) { Peer = port };
    }

    /// <summary>What the ports of <paramref name="sw"/> are cabled to: its nodes, and a leaf's spines or a spine's leaves.</summary>
    private static IEnumerable<string> CabledTo(string sw, ClusterSpec cluster)
    {
        var f = cluster.Fabric;
        if (f.Type == FabricSpec.SingleSwitch) return cluster.Nodes.Select(n => n.Name);
        if (sw.StartsWith("spine", StringComparison.Ordinal)) return Enumerable.Range(1, f.Racks).Select(r => $"leaf{r}");
        return cluster.Nodes.Where(n => f.LeafOf(n.Rack) == sw).Select(n => n.Name).Concat(Enumerable.Range(1, f.Spines).Select(s => $"spine{s}"));
    }

    private static string Switch(YamlMap m, string field, FabricSpec fabric, Func<string, bool> fits, string what)
    {
        var names = fabric.SwitchNames.Where(fits).ToList();
        string name = m.Text(field, "");
        if (name.Length == 0) throw m.Error(field, $"is required: {what} of the fabric ({string.Join(", ", names.Take(8))})");
        if (!names.Contains(name, StringComparer.Ordinal))
            throw m.Error(field, $"'{name}' is not {what} of the fabric ({fabric.Type}): {string.Join(", ", names.Take(8))}");
        return name;
    }

    /// <summary>
    /// Ports, uplinks and switches walk through their states in time order: a down of what is down, or an up of what is
    /// up, changes nothing and is an error. A port, an uplink and a switch are separate things (a port shut on a switch
    /// that is also powered off comes back only when both are up again). A hang is the switch's own state: switch_resume
    /// needs a hung switch, and powering a hung switch off clears the hang (the usual cure).
    /// </summary>
    public static void CheckSequence(IEnumerable<(ClusterEvent Event, YamlMap Map)> ordered)
    {
        var down = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (e, m) in ordered)
        {
            if (!e.OnFabric) continue;
            string hung = $"hung {e.Target}";
            if (e.Kind is ClusterEvent.SwitchHang or ClusterEvent.SwitchResume)
            {
                bool hang = e.Kind == ClusterEvent.SwitchHang;
                if (hang ? !down.Add(hung) : !down.Remove(hung))
                    throw m.Error("kind", $"{e.Kind} at {e.At} changes nothing: switch {e.Target} is {(hang ? "already hung" : "not hung")}");
                continue;
            }
            if (e.Kind == ClusterEvent.SwitchDown) down.Remove(hung);
            string what = e.Kind switch
            {
                ClusterEvent.SwitchPortDown or ClusterEvent.SwitchPortUp => $"port of {e.Target} to {e.Peer}",
                ClusterEvent.UplinkDown or ClusterEvent.UplinkUp => $"uplink {e.Target}-{e.Peer}",
                _ => $"switch {e.Target}",
            };
            bool goingDown = e.Kind.EndsWith("_down", StringComparison.Ordinal);
            if (goingDown ? !down.Add(what) : !down.Remove(what))
                throw m.Error("kind", $"{e.Kind} at {e.At} changes nothing: the {what} is already {(goingDown ? "down" : "up")}");
        }
    }
}
