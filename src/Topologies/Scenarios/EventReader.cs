using NetSim.Engine.Core;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Scenarios.Yaml;

namespace NetSim.Topologies.Scenarios;

/// <summary>
/// Reads "events:" (timed changes to the cluster) and "control_plane:" (timer overrides). Each event must fall within
/// the run, name a node of the cluster, and make sense in the order the events happen (a link comes up only after it
/// went down, a node that is down is not taken down again).
/// </summary>
internal static class EventReader
{
    public static IReadOnlyList<ClusterEvent> Read(IReadOnlyList<YamlMap> items, ClusterSpec cluster, SimTime duration)
    {
        var events = new List<(ClusterEvent Event, YamlMap Map)>();
        foreach (var m in items)
        {
            string kind = m.OneOf("kind", "", ClusterEvent.Kinds);
            if (kind.Length == 0) throw m.Error("kind", $"is required; one of {string.Join(", ", ClusterEvent.Kinds)}");
            if (!m.Has("at")) throw m.Error("at", "is required (when the event happens, e.g. 2s)");
            SimTime at = m.Time("at", SimTime.Zero);
            if (at >= duration) throw m.Error("at", $"{at} is not before the end of the run ({duration})");
            string node = m.Text("node", "");
            if (node.Length == 0) throw m.Error("node", $"is required: the node {kind} acts on");
            if (!cluster.Nodes.Any(n => n.Name == node))
                throw m.Error("node", $"'{node}' is not a node of the cluster; nodes: {string.Join(", ", cluster.Nodes.Select(n => n.Name).Take(8))}");
            if (cluster.Fabric.IsVethPair) throw m.Error("kind", $"{kind} needs a NIC on a fabric; fabric {cluster.Fabric.Type} cables the nodes with a veth pair");
            m.RejectUnknown();
            events.Add((new ClusterEvent(at, kind, node, (int)m.Node.Start.Line), m));
        }
        var ordered = events.OrderBy(e => e.Event.At).ToList();
        CheckSequence(ordered);
        return ordered.Select(e => e.Event).ToList();
    }

    /// <summary>Per node, link and power state walk through the events in time order; an event that changes nothing is an error.</summary>
    private static void CheckSequence(List<(ClusterEvent Event, YamlMap Map)> ordered)
    {
        var linkDown = new HashSet<string>(StringComparer.Ordinal);
        var nodeDown = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (e, m) in ordered)
        {
            bool changed = e.Kind switch
            {
                ClusterEvent.LinkDown => linkDown.Add(e.Target),
                ClusterEvent.LinkUp => linkDown.Remove(e.Target),
                ClusterEvent.NodeDown => nodeDown.Add(e.Target),
                _ => nodeDown.Remove(e.Target),
            };
            if (!changed)
                throw m.Error("kind", $"{e.Kind} of {e.Target} at {e.At} changes nothing: its {(e.Kind.StartsWith("link", StringComparison.Ordinal) ? "link" : "node")} is already {(e.Kind.EndsWith("down", StringComparison.Ordinal) ? "down" : "up")}");
        }
    }

    public static ControlPlaneSpec ReadControlPlane(YamlMap? m)
    {
        if (m is null) return ControlPlaneSpec.FromProfile;
        var spec = new ControlPlaneSpec(
            Optional(m, ControlPlaneSpec.NodeMonitorGracePeriodField),
            Optional(m, ControlPlaneSpec.KubeProxyMinSyncPeriodField),
            Optional(m, ControlPlaneSpec.BgpHoldTimeField));
        m.RejectUnknown();
        return spec;
    }

    private static SimTime? Optional(YamlMap m, string key) => m.Has(key) ? m.PositiveTime(key, SimTime.Zero) : null;
}
