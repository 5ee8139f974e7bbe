using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Topologies.Scenarios;

/// <summary>
/// Where each pod of each workload runs: spread (round-robin over the nodes, starting after the control plane
/// when any node is a worker; control-plane nodes are tainted), pack (fill each node to max-pods in order), pinned (round-robin over the listed
/// nodes), one per node for a DaemonSet. Deterministic: the same scenario always places pods the same way.
/// </summary>
public static class PodPlacement
{
    public static IReadOnlyList<PlacedPod> Place(ClusterSpec cluster, IReadOnlyList<WorkloadSpec> workloads)
    {
        var placed = new List<PlacedPod>();
        var count = cluster.Nodes.ToDictionary(n => n.Name, _ => 0, StringComparer.Ordinal);
        var workers = cluster.Nodes.Where(n => n.Role == "worker").Select(n => n.Name).ToList();
        var schedulable = workers.Count > 0 ? workers : cluster.Nodes.Select(n => n.Name).ToList();
        int spreadCursor = 0;
        foreach (var w in workloads)
        {
            for (int i = 0; i < w.Replicas; i++)
            {
                string node = w.Kind == "DaemonSet" ? cluster.Nodes[i].Name
                    : w.Placement switch
                    {
                        "pinned" => w.Nodes[i % w.Nodes.Count],
                        "pack" => schedulable.FirstOrDefault(n => count[n] < cluster.MaxPods) ?? schedulable[^1],
                        _ => schedulable[spreadCursor++ % schedulable.Count],
                    };
                count[node]++;
                placed.Add(new PlacedPod($"{w.Name}-{i}", w.Name, i, w.Namespace, node, w.Labels, w.Containers, w.HostNetwork) { Networks = w.Networks });
            }
        }
        return placed;
    }
}
